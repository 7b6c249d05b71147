/**
 * hash64 is a fast 64-bit non-cryptographic hash of a string, as 16 hex digits: two 32-bit FNV-1a-style lanes over
 * its UTF-8 bytes, eight bytes a step. It tells whether a text is the one seen before (the config cache's key, the
 * state file's seal); it is no defence against someone who can write the files it guards.
 *
 * Why not node:crypto: loading OpenSSL costs a cron run 2 MB of memory. Why whole words: a loop over every
 * character of a few kilobytes made V8 compile it with TurboFan in a run that lives a fraction of a second (11 ms of
 * CPU, 4 MB of memory); eight bytes a step stays below that for the texts a run hashes (a config and a state file).
 */
export function hash64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  const words = new Int32Array(bytes.buffer, 0, bytes.length >>> 2);
  let a = 0x811c9dc5 ^ bytes.length;
  let b = 0x050c5d1f;
  let i = 0;
  for (; i + 1 < words.length; i += 2) {
    a = Math.imul(a ^ words[i]!, 0x01000193);
    b = Math.imul(b ^ words[i + 1]!, 0x01000193) ^ (a >>> 15);
  }
  for (let j = i * 4; j < bytes.length; j++) b = Math.imul(b ^ bytes[j]!, 0x01000193) ^ (a >>> 13);
  a = Math.imul(a ^ (b >>> 16), 0x85ebca6b);
  b = Math.imul(b ^ (a >>> 13), 0xc2b2ae35);
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
