// Bodies for workloads that write unique integers. The body is the integer's decimal text, so
// that a read names the very write it saw, and so that a body we did not write (a torn or
// foreign object) still reaches the checkers as the text it held rather than being hidden.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeValue(v: number): Uint8Array {
  return encoder.encode(String(v));
}

/** One of our values as a number; any other body as its text, for read-validity to name. */
export function decodeValue(body: Uint8Array): number | string {
  const text = decoder.decode(body);
  return /^[1-9][0-9]*$/.test(text) ? Number(text) : text;
}
