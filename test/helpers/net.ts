import net from "node:net";

/**
 * freePort asks the kernel for a free port on 127.0.0.1 and closes it again: nothing listens there until a test
 * starts something on it (a service that is down, or one a restart hook will bring up).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
