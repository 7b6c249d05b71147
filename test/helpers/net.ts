import fs from "node:fs";
import net from "node:net";

// The kernel hands out ports for `listen(0)` and outgoing connections from its ephemeral range; a port below it is
// never given to another test's server or client by chance, only to whoever asks for that very port.
const EPHEMERAL_LOW = (() => {
  try {
    return Number(fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
})();
const LOW = Math.max(1024, Math.min(20000, EPHEMERAL_LOW - 4096));
const handed = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/**
 * freePort returns a port on 127.0.0.1 that nothing listens on, below the kernel's ephemeral range: it stays free
 * until a test starts something on it (a service that is down, or one a restart hook will bring up), because no
 * other test's `listen(0)` can be given it in between.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (EPHEMERAL_LOW - LOW));
    if (handed.has(port) || !(await canListen(port))) continue;
    handed.add(port);
    return port;
  }
  throw new Error(`no free port between ${LOW} and ${EPHEMERAL_LOW}`);
}
