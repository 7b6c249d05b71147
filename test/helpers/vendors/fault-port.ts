import type { AddressInfo, Server, Socket } from "node:net";

/** FaultPort is a fake vendor's listening port, moved by the fault modes the fakes share ("refuse", "hang", ...). */
export type FaultPort = {
  port: number;
  /** to moves the port into mode NEXT: "refuse" closes it, any other mode listens on the same port again. */
  to(next: string): Promise<void>;
  /** drop ends every open connection. */
  drop(): void;
  close(): Promise<void>;
};

/**
 * faultPort listens with SERVER on 127.0.0.1:0 and keeps its connections, so that a mode change can drop them: every
 * mode but "hang" drops them (a hang keeps them open and unanswered).
 */
export async function faultPort(server: Server): Promise<FaultPort> {
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  let refusing = false;
  const drop = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    port,
    drop,
    async to(next) {
      if (next === "refuse" && !refusing) {
        await new Promise<void>((r) => {
          server.close(() => r());
          drop();
        });
      } else if (next !== "refuse" && refusing) {
        await new Promise<void>((r, j) => {
          server.once("error", j);
          server.listen(port, "127.0.0.1", () => r());
        });
      }
      refusing = next === "refuse";
      if (next !== "hang") drop();
    },
    async close() {
      drop();
      if (!refusing) await new Promise<void>((r) => server.close(() => r()));
      refusing = true;
    },
  };
}
