/**
 * hash64 is a fast 64-bit non-cryptographic hash of a string (two 32-bit FNV-1a lanes over its UTF-16 code units),
 * as 16 hex digits. It tells whether a text is the one seen before (the config cache's key, the state file's seal);
 * it is no defence against someone who can write the files it guards. node:crypto is not used for it: loading
 * OpenSSL costs every cron run 2 MB of memory.
 */
export function hash64(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
