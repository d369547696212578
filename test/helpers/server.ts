// Serves dist/ in-process with scripts/serve.mjs on a free port of 127.0.0.1.
import type { AddressInfo } from "node:net";
import { createStaticServer } from "../../scripts/serve.mjs";
import { BASE, DIST } from "./paths.ts";

export interface RunningServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash; pages are below BASE. */
  origin: string;
  close(): Promise<void>;
}

export async function startServer(root = DIST): Promise<RunningServer> {
  const server = createStaticServer({ root, base: BASE });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
