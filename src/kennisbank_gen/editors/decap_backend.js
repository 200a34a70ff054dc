// The web form's local backend: decap-server's own request handlers, through its documented
// middleware entry points (decap-server/dist/middlewares), not its command (dist/index.js), which
// first loads a `.env` file from its working directory into its environment.
//
// Started by `kennisbank serve --cms` (editors/serve.py) with an explicit, minimal environment, an
// empty private working directory, and these arguments: the folder whose node_modules hold
// decap-server, the Unix socket to listen on, and the mode (fs or git). It listens on that socket
// only, never on a TCP port: its one client is the form server (editors/form_server.py), which
// forwards only the requests that read or write records. It stops when its standard input
// closes: the preview holds the other end, so the backend goes with it, even after `kill -9`.
"use strict";

const { createRequire } = require("node:module");
const path = require("node:path");

const [modules, socket, mode] = process.argv.slice(2);

async function main() {
  const load = createRequire(path.join(path.resolve(modules), "package.json"));
  const express = load("express");
  const { registerLocalFs, registerLocalGit } = load("decap-server/dist/middlewares");
  const app = express();
  const register = { fs: registerLocalFs, git: registerLocalGit }[mode];
  if (!register) throw new Error(`unknown mode ${mode}`);
  await register(app, { logLevel: process.env.LOG_LEVEL || "warn" });
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
  const server = app.listen(socket);
  server.on("error", (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(3);
  });
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
  process.exit(3);
});
