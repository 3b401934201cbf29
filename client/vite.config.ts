// Vite build of the Rounds web client: client/dist/index.html plus hashed files in dist/assets/.
// `npm run dev` serves the client with hot reload and forwards /ws to a server on 127.0.0.1:8080.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
