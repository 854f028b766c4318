// Removes hidden metadata (location, camera, author, timestamps) from JPEG and PNG files
// before they are encrypted. Only well-formed files are rewritten; anything else is left as is
// and reported as not stripped.

const JPEG_DROP = new Set([0xe1, 0xed, 0xfe]); // APP1 (Exif, XMP), APP13 (IPTC), COM
const PNG_DROP = new Set(["eXIf", "tEXt", "iTXt", "zTXt", "tIME"]);
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** {bytes, stripped}: stripped is true when the file was a JPEG or PNG that was rewritten. */
export function stripMetadata(bytes) {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8) return stripJpeg(bytes);
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return stripPng(bytes);
  return { bytes, stripped: false };
}

function stripJpeg(bytes) {
  const out = [bytes.subarray(0, 2)];
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return { bytes, stripped: false };
    const marker = bytes[at + 1];
    if (marker === 0xda) {
      // Start of scan: the compressed image follows; keep everything from here.
      out.push(bytes.subarray(at));
      return { bytes: concat(out), stripped: true };
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2 || at + 2 + length > bytes.length) return { bytes, stripped: false };
    if (!JPEG_DROP.has(marker)) out.push(bytes.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  return { bytes, stripped: false };
}

function stripPng(bytes) {
  const out = [bytes.subarray(0, 8)];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (end > bytes.length) return { bytes, stripped: false };
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (!PNG_DROP.has(type)) out.push(bytes.subarray(at, end));
    at = end;
    if (type === "IEND") return { bytes: concat(out), stripped: true };
  }
  return { bytes, stripped: false };
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
