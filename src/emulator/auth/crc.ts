// The CRCs S3's checksums use that Node does not have (zlib has plain CRC-32 only): CRC-32C
// (Castagnoli) and CRC-64/NVME, both reflected, initial value and final XOR all ones, one table
// lookup a byte. Slow next to native code, fast enough for a test store's bodies.

function table32(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}

const CRC32C = table32(0x82f63b78);

export function crc32c(body: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < body.length; i++) c = CRC32C[(c ^ body[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// CRC-64/NVME in two 32-bit halves (hi, lo), which keeps the inner loop off BigInt.
const POLY_HI = 0x9a6c9329;
const POLY_LO = 0xac4bc9b5;
const CRC64_HI = new Uint32Array(256);
const CRC64_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  CRC64_HI[i] = hi;
  CRC64_LO[i] = lo;
}

/** CRC-64/NVME as the 8 big-endian bytes S3 encodes in base64. */
export function crc64nvme(body: Uint8Array): Buffer {
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  for (let i = 0; i < body.length; i++) {
    const index = (lo ^ body[i]!) & 0xff;
    // Shift the 64-bit value right by 8, then fold in the table entry.
    lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_LO[index]!) >>> 0;
    hi = ((hi >>> 8) ^ CRC64_HI[index]!) >>> 0;
  }
  const out = Buffer.alloc(8);
  out.writeUInt32BE((hi ^ 0xffffffff) >>> 0, 0);
  out.writeUInt32BE((lo ^ 0xffffffff) >>> 0, 4);
  return out;
}
