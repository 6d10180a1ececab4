/**
 * HTTP mode as an attacker and an operator meet it: authentication (bearer tokens, OAuth JWTs
 * against a local JWKS), Host/Origin checks, refused bodies, file_path confinement, and
 * per-request tool limits that can only narrow.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { connect as netConnect } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { parseConfig } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { createHttpAuth, matchToken, parseTokenEntries } from "../src/transports/http-auth.js";
import { HttpSetupError, serveHttp } from "../src/transports/http.js";
import { catalog } from "./helpers/catalog.js";
import { FakeZoom } from "./helpers/fake-zoom.js";
import { startHarness } from "./helpers/harness.js";
import { INITIALIZE, post, startHttp, textOf, TOKEN_A, TOKEN_B, type InProcessHttp } from "./helpers/http-server.js";

let fake: FakeZoom;
beforeAll(async () => {
  fake = await new FakeZoom({ permissive: true }).start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.requests.length = 0;
});

describe("bearer tokens", () => {
  let srv: InProcessHttp;
  beforeAll(async () => {
    srv = await startHttp(fake, { authTokens: `${TOKEN_A} name=alice; ${TOKEN_B} name=bob readonly toolsets=users`, toolsets: "users,meetings" });
  });
  afterAll(() => srv.stop());

  it("answers 401 to a missing, malformed or wrong token, and no tool is reached", async () => {
    for (const headers of [{}, { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }, { authorization: "Bearer" }, { authorization: "Bearer not-the-right-token-123456" }, { authorization: `Bearer ${TOKEN_A}x` }]) {
      const res = await post(srv.url, INITIALIZE, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
      expect(res.message.error).toMatch(/invalid_(token|request)/);
    }
    const call = await post(srv.url, { jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "list_users", arguments: {} } }, { authorization: "Bearer wrong-wrong-wrong-wrong" });
    expect(call.status).toBe(401);
    expect(fake.requests).toHaveLength(0);
  });

  it("serves a valid token, and a token's own limits narrow its sessions", async () => {
    const alice = await srv.connect({ authorization: `Bearer ${TOKEN_A}` });
    const aliceTools = (await alice.listTools()).tools.map((t) => t.name);
    expect(aliceTools).toContain("create_user");
    expect(aliceTools).toContain("create_meeting");
    const bob = await srv.connect({ authorization: `Bearer ${TOKEN_B}` });
    const bobTools = (await bob.listTools()).tools.map((t) => t.name);
    expect(bobTools).toContain("list_users");
    expect(bobTools).not.toContain("create_user");
    expect(bobTools.some((n) => n.includes("meeting"))).toBe(false);
    const refused = (await bob.callTool({ name: "create_user", arguments: { action: "create", user_info: { email: "a@b.c", type: 1 } } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(fake.requests).toHaveLength(0);
  });

  it("binds a session to its token: another token cannot use it", async () => {
    const init = await post(srv.url, INITIALIZE, { authorization: `Bearer ${TOKEN_A}` });
    const id = init.headers.get("mcp-session-id")!;
    expect(id).toBeTruthy();
    const stolen = await post(srv.url, { jsonrpc: "2.0", id: 2, method: "tools/list" }, { authorization: `Bearer ${TOKEN_B}`, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" });
    expect(stolen.status).toBe(404);
    const own = await post(srv.url, { jsonrpc: "2.0", id: 2, method: "tools/list" }, { authorization: `Bearer ${TOKEN_A}`, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" });
    expect(own.status).toBe(200);
  });

  it("keeps tokens out of memory dumps and logs", async () => {
    const auth = createHttpAuth(parseConfig({ authTokens: `${TOKEN_A} name=alice` }), silentLogger());
    const { inspect } = await import("node:util");
    expect(inspect(auth, { depth: 10 })).not.toContain(TOKEN_A);
    expect(JSON.stringify(auth)).not.toContain(TOKEN_A);
    expect(srv.logs.join("")).not.toContain(TOKEN_A);
    expect(srv.logs.join("")).not.toContain(TOKEN_B);
    expect(srv.logs.join("")).not.toContain("wrong-wrong");
  });
});

describe("token entries", () => {
  it("parses labels and limits, separated by ; or newlines, with comments", () => {
    const entries = parseTokenEntries(`# team\n${TOKEN_A} name=alice\n${TOKEN_B} readonly toolsets=users,meetings tools=get_meeting exclude-tools=delete_user; ${"c".repeat(20)}`, "test");
    expect(entries.map((e) => e.name)).toEqual(["alice", expect.stringMatching(/^token-[0-9a-f]{12}$/), expect.stringMatching(/^token-/)]);
    expect(entries[1]!.limits).toEqual({ readOnly: true, toolsets: ["users", "meetings"], tools: ["get_meeting"], excludeTools: ["delete_user"] });
    expect(matchToken(entries, TOKEN_B)?.limits?.readOnly).toBe(true);
    expect(matchToken(entries, TOKEN_B.slice(0, -1))).toBeUndefined();
  });

  it.each([
    ["short-token", /shorter than 16/],
    [`${TOKEN_A},${TOKEN_B}`, /separate entries with ";"/],
    [`${TOKEN_A} admin`, /unknown option "admin"/],
    [`${TOKEN_A}; ${TOKEN_A}`, /listed twice/],
  ])("refuses %s", (text, message) => {
    expect(() => parseTokenEntries(text, "ZOOM_MCP_AUTH_TOKENS")).toThrow(message);
  });

  it("reads the token file, and refuses a token limit naming an unknown toolset at startup", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zoom-mcp-tokens-"));
    const file = join(dir, "tokens");
    writeFileSync(file, `${TOKEN_A} name=ci toolsets=nope\n`, { mode: 0o600 });
    const { httpOptionsFromConfig } = await import("../src/transports/http.js");
    const config = parseConfig({ transport: "http", sandbox: "1", authTokensFile: file });
    const app = await createApp(config, catalog, silentLogger());
    expect(() => httpOptionsFromConfig(config, app, silentLogger())).toThrow(/token "ci": unknown toolset\(s\) nope/);
    rmSync(dir, { recursive: true });
  });
});

/** A local authorization server: RFC 8414 metadata and a JWKS on 127.0.0.1. */
class LocalIssuer {
  server!: Server;
  url = "";
  jwks: { keys: JWK[] } = { keys: [] };
  key!: CryptoKey;
  other!: CryptoKey;
  up = true;

  async start(): Promise<this> {
    const pair = await generateKeyPair("RS256");
    this.key = pair.privateKey;
    this.other = (await generateKeyPair("RS256")).privateKey;
    this.jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" }] };
    this.server = createServer((req, res) => {
      if (!this.up) return void res.writeHead(500).end();
      if (req.url === "/.well-known/oauth-authorization-server") {
        return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ issuer: this.url, jwks_uri: `${this.url}/jwks` }));
      }
      if (req.url === "/jwks") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(this.jwks));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  sign(claims: Record<string, unknown>, options: { key?: CryptoKey; exp?: string | number; iss?: string; aud?: string } = {}): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(options.iss ?? this.url)
      .setAudience(options.aud ?? "https://mcp.example.com/mcp")
      .setSubject("user-1")
      .setIssuedAt()
      .setExpirationTime(options.exp ?? "5m")
      .sign(options.key ?? this.key);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe("OAuth 2.1 resource server", () => {
  let issuer: LocalIssuer;
  let srv: InProcessHttp;
  beforeAll(async () => {
    issuer = await new LocalIssuer().start();
    srv = await startHttp(fake, { oauthIssuer: issuer.url, oauthAudience: "https://mcp.example.com/mcp", oauthScopes: "zoom:mcp" });
  });
  afterAll(async () => {
    await srv.stop();
    await issuer.stop();
  });

  it("publishes protected-resource metadata, and a 401 without a token points at it", async () => {
    const res = await post(srv.url, INITIALIZE);
    expect(res.status).toBe(401);
    const header = res.headers.get("www-authenticate")!;
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(header)?.[1];
    expect(metadataUrl).toBe(srv.url.replace("/mcp", "/.well-known/oauth-protected-resource/mcp"));
    expect(header).toContain('scope="zoom:mcp"');
    for (const path of [metadataUrl!, srv.url.replace("/mcp", "/.well-known/oauth-protected-resource")]) {
      const meta = (await (await fetch(path)).json()) as Record<string, unknown>;
      expect(meta).toMatchObject({ resource: srv.url, authorization_servers: [issuer.url], scopes_supported: ["zoom:mcp"], bearer_methods_supported: ["header"] });
    }
  });

  it("accepts a JWT signed by the issuer's key for this audience with the scopes", async () => {
    const token = await issuer.sign({ scope: "openid zoom:mcp" });
    const client = await srv.connect({ authorization: `Bearer ${token}` });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    const result = (await client.callTool({ name: "list_users", arguments: {} })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(srv.logs.join("")).not.toContain(token);
  });

  it("answers 401 to an expired, foreign-signed, wrong-audience, wrong-issuer or garbage token", async () => {
    const cases = {
      expired: await issuer.sign({ scope: "zoom:mcp" }, { exp: Math.floor(Date.now() / 1000) - 3600 }),
      "foreign key": await issuer.sign({ scope: "zoom:mcp" }, { key: issuer.other }),
      "wrong audience": await issuer.sign({ scope: "zoom:mcp" }, { aud: "https://other.example.com" }),
      "wrong issuer": await issuer.sign({ scope: "zoom:mcp" }, { iss: "https://evil.example.com" }),
      garbage: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    };
    for (const [what, token] of Object.entries(cases)) {
      const res = await post(srv.url, INITIALIZE, { authorization: `Bearer ${token}` });
      expect(res.status, what).toBe(401);
      expect(res.headers.get("www-authenticate"), what).toMatch(/error="invalid_token".*resource_metadata="/);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("answers 403 insufficient_scope to a valid token without the required scope", async () => {
    const res = await post(srv.url, INITIALIZE, { authorization: `Bearer ${await issuer.sign({ scope: "openid" })}` });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toMatch(/error="insufficient_scope".*scope="zoom:mcp"/);
    expect(res.message.error).toBe("insufficient_scope");
  });

  it("answers 503 (not 401) when the issuer's keys cannot be fetched", async () => {
    const down = await startHttp(fake, { oauthIssuer: "http://127.0.0.1:9/", oauthAudience: "x" });
    const res = await post(down.url, INITIALIZE, { authorization: `Bearer ${await issuer.sign({})}` });
    expect(res.status).toBe(503);
    expect(res.message.error_description).toMatch(/cannot verify tokens/);
    await down.stop();
  });
});

describe("exposure, Host and Origin", () => {
  it("refuses to serve a non-loopback address without authentication, and says how to fix it", async () => {
    const app = await createApp(parseConfig({ sandbox: "1" }), catalog, silentLogger());
    await expect(serveHttp({ host: "0.0.0.0", port: 0, maxBodyBytes: 65536, newServer: app.newServer, logger: silentLogger() })).rejects.toThrow(HttpSetupError);
    await expect(serveHttp({ host: "0.0.0.0", port: 0, maxBodyBytes: 65536, newServer: app.newServer, logger: silentLogger() })).rejects.toThrow(/ZOOM_MCP_AUTH_TOKENS.*--allow-unauthenticated/);
  });

  it("the CLI exits 2 with that message", () => {
    let out = "";
    try {
      execFileSync(process.execPath, [new URL("../dist/index.js", import.meta.url).pathname, "--transport", "http", "--host", "0.0.0.0", "--port", "0", "--sandbox"], { env: { PATH: process.env.PATH ?? "" }, stdio: "pipe" });
    } catch (error) {
      const e = error as { status: number; stderr: Buffer };
      expect(e.status).toBe(2);
      out = e.stderr.toString();
    }
    expect(out).toMatch(/refusing to serve 0\.0\.0\.0 without authentication/);
  });

  it("accepts a localhost Origin only on the server's own port by default", async () => {
    const srv = await startHttp(undefined);
    const port = new URL(srv.url).port;
    expect((await post(srv.url, INITIALIZE, { origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await post(srv.url, INITIALIZE, { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await post(srv.url, INITIALIZE, { origin: "http://localhost:3000" })).status).toBe(403);
    expect((await post(srv.url, INITIALIZE, { origin: "http://localhost" })).status).toBe(403);
    expect((await post(srv.url, INITIALIZE, { origin: "https://evil.example" })).status).toBe(403);
    await srv.stop();
  });

  it("--allowed-origins and --allowed-hosts replace the built-in lists", async () => {
    const srv = await startHttp(undefined, { allowedOrigins: "https://app.example.com", allowedHosts: "mcp.example.com" });
    const port = new URL(srv.url).port;
    const status = (host: string, origin?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(srv.url, { method: "POST", headers: { host, ...(origin ? { origin } : {}), "content-type": "application/json", accept: "application/json, text/event-stream" } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end(JSON.stringify(INITIALIZE));
      });
    expect(await status("mcp.example.com", "https://app.example.com")).toBe(200);
    expect(await status("mcp.example.com:443")).toBe(200);
    expect(await status(`127.0.0.1:${port}`)).toBe(403);
    expect(await status("mcp.example.com", `http://localhost:${port}`)).toBe(403);
    await srv.stop();
  });
});

describe("refused bodies", () => {
  let srv: InProcessHttp;
  beforeAll(async () => {
    srv = await startHttp(undefined, { maxBodyBytes: "2048" }, { bodyDrainMs: 300 });
  });
  afterAll(() => srv.stop());

  it("answers 413 to an oversized body and the client gets the answer", async () => {
    const res = await post(srv.url, { pad: "x".repeat(100_000) });
    expect(res.status).toBe(413);
    expect(res.headers.get("connection")).toBe("close");
  });

  it("closes the connection when a client keeps an oversized upload open", async () => {
    const { port } = new URL(srv.url);
    const socket = netConnect(Number(port), "127.0.0.1");
    let reply = "";
    socket.on("data", (d) => (reply += d.toString()));
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n`);
    socket.write("x".repeat(10_000)); // then stalls, never sending the rest
    await closed;
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
  });
});

describe("file_path confinement", () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "zoom-mcp-uploads-")));
    outside = realpathSync(mkdtempSync(join(tmpdir(), "zoom-mcp-outside-")));
    writeFileSync(join(root, "me.png"), "png-inside");
    mkdirSync(join(root, "sub"));
    writeFileSync(join(root, "sub", "nested.png"), "png-nested");
    writeFileSync(join(outside, "secret.png"), "secret-bytes");
    symlinkSync(join(outside, "secret.png"), join(root, "link-out.png"));
    symlinkSync(outside, join(root, "dir-out"));
    symlinkSync("/proc/self/environ", join(root, "environ"));
    execFileSync("mkfifo", [join(root, "pipe.png")]);
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const upload = async (config: Record<string, string>, args: Record<string, unknown>) => {
    const h = await startHarness({ fakeOptions: { permissive: true }, config });
    const result = await h.call("create_user_picture", { userId: "me", ...args });
    const sent = h.fake.requests.map((r) => r.rawBody);
    await h.close();
    return { result, text: textOf(result), sent };
  };

  it("over HTTP, file_path is refused without --upload-dir; file_base64 works", async () => {
    const refused = await upload({ transport: "http" }, { file_path: "/etc/passwd" });
    expect(refused.result.isError).toBe(true);
    expect(refused.text).toMatch(/file_path is turned off.*--upload-dir.*file_base64/s);
    expect(refused.sent).toHaveLength(0);
    const b64 = await upload({ transport: "http" }, { file_base64: Buffer.from("png-b64").toString("base64"), file_name: "a.png" });
    expect(b64.result.isError).toBeFalsy();
    expect(b64.sent[0]).toContain("png-b64");
  });

  it("reads files inside --upload-dir, by absolute or relative path", async () => {
    for (const file_path of [join(root, "me.png"), "me.png", "sub/nested.png", "./sub/../me.png"]) {
      const ok = await upload({ transport: "http", uploadDir: root }, { file_path });
      expect(ok.result.isError, `${file_path}: ${ok.text}`).toBeFalsy();
      expect(ok.sent[0]).toMatch(/png-(inside|nested)/);
    }
  });

  it("refuses absolute paths outside, relative escapes, symlinks out, /proc, devices and FIFOs, with one message", async () => {
    const cases = ["/etc/passwd", "/etc/no-such-file-here", "../../../../etc/hostname", "../../../../no/such/dir/x", `${outside}/secret.png`, `${outside}/missing.png`, "link-out.png", "dir-out/secret.png", "dir-out/missing.png", "environ", "/proc/self/environ", "/dev/zero", "/dev/null"];
    const texts = new Set<string>();
    for (const file_path of cases) {
      const r = await upload({ transport: "http", uploadDir: root }, { file_path });
      expect(r.result.isError, file_path).toBe(true);
      expect(r.sent, file_path).toHaveLength(0);
      expect(r.text).not.toContain("secret-bytes");
      // The message depends only on what was asked, never on what exists outside the root.
      texts.add(r.text.replace(JSON.stringify(file_path), "<path>"));
    }
    expect(texts.size).toBe(1);
    expect([...texts][0]).toMatch(/not a readable file inside the upload directory/);
    const fifo = await upload({ transport: "http", uploadDir: root }, { file_path: "pipe.png" });
    expect(fifo.text).toMatch(/not a regular file/);
    expect(fifo.sent).toHaveLength(0);
  });

  it("over stdio the root is the working directory", async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const inside = await upload({ transport: "stdio" }, { file_path: "me.png" });
      expect(inside.result.isError).toBeFalsy();
      const escape = await upload({ transport: "stdio" }, { file_path: "/etc/passwd" });
      expect(escape.result.isError).toBe(true);
      expect(escape.sent).toHaveLength(0);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("per-request limits (X-MCP-* headers)", () => {
  let srv: InProcessHttp;
  beforeAll(async () => {
    srv = await startHttp(fake, { toolsets: "users,meetings", excludeTools: "delete_user" });
  });
  afterAll(() => srv.stop());
  const names = async (headers: Record<string, string>) => (await (await srv.connect(headers)).listTools()).tools.map((t) => t.name).sort();

  it("narrow a session's tools", async () => {
    const all = await names({});
    const users = await names({ "x-mcp-toolsets": "users" });
    expect(users.length).toBeGreaterThan(0);
    expect(users.length).toBeLessThan(all.length);
    expect(users.every((n) => !n.includes("meeting"))).toBe(true);
    const readOnly = await names({ "x-mcp-readonly": "true" });
    expect(readOnly).toContain("get_user");
    expect(readOnly).not.toContain("create_user");
    expect(await names({ "x-mcp-tools": "get_user,get_meeting" })).toEqual(["get_meeting", "get_user"]);
    const excluded = await names({ "x-mcp-exclude-tools": "get_user" });
    expect(excluded).not.toContain("get_user");
    expect(excluded.length).toBe(all.length - 1);
  });

  it("can never widen past the server's own flags", async () => {
    const all = await names({});
    // Asking for every toolset, a tool the server does not serve, an excluded tool, and read-write.
    const wider = await names({ "x-mcp-toolsets": "all", "x-mcp-tools": "list_groups,delete_user,search_zoom_tools", "x-mcp-readonly": "false" });
    expect(wider).toEqual(all);
    expect(wider).not.toContain("list_groups");
    expect(wider).not.toContain("delete_user");
    const client = await srv.connect({ "x-mcp-toolsets": "all" });
    const result = (await client.callTool({ name: "list_groups", arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(fake.requests).toHaveLength(0);
  });

  it("narrow what discovery can reach, and read-only headers make call_zoom_tool refuse writes", async () => {
    const d = await startHttp(fake, {});
    const client = await d.connect({ "x-mcp-readonly": "1" });
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain("call_zoom_tool");
    const write = (await client.callTool({ name: "call_zoom_tool", arguments: { name: "create_user", arguments: {} } })) as CallToolResult;
    expect(write.isError).toBe(true);
    const users = await d.connect({ "x-mcp-toolsets": "users" });
    expect((await users.listTools()).tools.map((t) => t.name)).not.toContain("call_zoom_tool");
    expect(fake.requests).toHaveLength(0);
    await d.stop();
  });

  it("answer 400 to unknown names", async () => {
    const res = await post(srv.url, INITIALIZE, { "x-mcp-toolsets": "users,nope" });
    expect(res.status).toBe(400);
    expect(res.message.error.message).toMatch(/unknown toolset\(s\) nope/);
    expect((await post(srv.url, INITIALIZE, { "x-mcp-readonly": "maybe" })).status).toBe(400);
  });
});
