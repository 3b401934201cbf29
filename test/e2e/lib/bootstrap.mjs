// Creates the first host account of a fresh rounds server with the operator's bootstrap token, as
// an operator would after installing (docs/api.md), so that every e2e test can sign in as a host.
// Usage: node bootstrap.mjs <base-url> <bootstrap-token> <email> <password>; exit 1 on failure.
const [baseUrl, token, email, password] = process.argv.slice(2);
const response = await fetch(`${baseUrl}/api/accounts`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'X-Rounds-Bootstrap': token },
  body: JSON.stringify({
    email,
    password,
    displayName: 'E2E operator',
    country: 'CH',
    discipline: 'operations',
    language: 'en',
    timeZone: 'Europe/Zurich',
  }),
});
if (response.status !== 201) {
  console.error(`bootstrap: ${response.status} ${await response.text()}`);
  process.exit(1);
}
