// Image metadata stripping for case images: JPEG and PNG are rewritten without the segments and
// chunks that carry EXIF, XMP, IPTC, comments, text and timestamps (a camera serial, GPS position,
// a patient name typed into a DICOM-to-JPEG export). Pure parsing; no decoding, no I/O.
// Threading: stateless functions; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rounds::image {

struct Stripped {
  std::string mime;  // "image/jpeg" or "image/png"
  std::string bytes;
  size_t removed = 0;  // segments/chunks dropped
};

// JPEG (ITU-T T.81 Annex B): keeps SOI, APP0 (JFIF), APP14 (Adobe colour transform), DQT, DHT,
// SOFn, DRI, SOS with its entropy-coded data, EOI; drops APP1-APP13, APP15, COM and anything
// after EOI. PNG (ISO/IEC 15948, RFC 2083): keeps critical chunks and rendering ones (tRNS, gAMA,
// cHRM, sRGB, iCCP, sBIT, bKGD, pHYs); drops tEXt, zTXt, iTXt, eXIf, tIME and unknown chunks.
// Anything else, or a truncated/malformed file: Error{"invalid_field", "image: ..."}.
Result<Stripped> stripMetadata(std::string_view bytes);

}  // namespace rounds::image
