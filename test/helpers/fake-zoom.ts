/**
 * A fake Zoom on 127.0.0.1: the OAuth token endpoint and the REST API. It records every request and
 * answers from scripted routes; a request no route expects gets a 599 and is kept in `unexpected`,
 * so a test can fail on it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  readonly method: string;
  /** Path as sent on the wire (still percent-encoded), without the /v2 prefix for API calls. */
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly rawBody: string;
  /** Parsed JSON body, when the body is JSON. */
  readonly body: unknown;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Destroy the socket instead of answering (a dropped connection). */
  drop?: boolean;
  /** Wait this long before answering (real ms; keep it tiny). */
  delayMs?: number;
  /** Answer by hand (faults: partial bodies, stalls, resets, raw bytes). */
  raw?: (res: ServerResponse, req: IncomingMessage) => void;
}

type Responder = FakeResponse | ((req: RecordedRequest) => FakeResponse | Promise<FakeResponse>);

interface Route {
  method: string;
  path: string | RegExp;
  responses: Responder[];
  /** Keep answering with the last response once the list is used up. */
  sticky: boolean;
}

export interface FakeZoomOptions {
  /** Answer API requests that no route matches with 200 `{}` instead of failing them. */
  readonly permissive?: boolean;
}

export class FakeZoom {
  readonly requests: RecordedRequest[] = [];
  readonly tokenRequests: RecordedRequest[] = [];
  readonly unexpected: RecordedRequest[] = [];
  private routes: Route[] = [];
  private server: Server | undefined;
  private tokenCounter = 0;
  url = "";
  /** What the token endpoint answers; a function may fail on purpose. */
  tokenResponder: (req: RecordedRequest) => FakeResponse = () => ({
    status: 200,
    body: { access_token: `token-${++this.tokenCounter}`, token_type: "bearer", expires_in: 3599 },
  });

  constructor(private readonly options: FakeZoomOptions = {}) {}

  get apiBase(): string {
    return `${this.url}/v2`;
  }

  get tokenUrl(): string {
    return `${this.url}/oauth/token`;
  }

  /** Scripts answers for one route, used in order; the last one repeats. */
  on(method: string, path: string | RegExp, ...responses: Responder[]): this {
    this.routes.push({ method: method.toUpperCase(), path, responses, sticky: true });
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.tokenRequests.length = 0;
    this.unexpected.length = 0;
    this.routes = [];
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const rawPath = (req.url ?? "/").split("?")[0]!;
    const isToken = rawPath === "/oauth/token";
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: isToken ? rawPath : rawPath.replace(/^\/v2/, ""),
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody,
      body,
    };

    let answer: FakeResponse;
    if (isToken) {
      this.tokenRequests.push(recorded);
      answer = this.tokenResponder(recorded);
    } else {
      this.requests.push(recorded);
      const route = this.routes.find((r) => r.method === recorded.method && (typeof r.path === "string" ? r.path === recorded.path : r.path.test(recorded.path)));
      if (route) {
        const responder = route.responses.length > 1 ? route.responses.shift()! : route.responses[0]!;
        answer = typeof responder === "function" ? await responder(recorded) : responder;
      } else if (this.options.permissive) {
        answer = { status: 200, body: {} };
      } else {
        this.unexpected.push(recorded);
        answer = { status: 599, body: { code: 599, message: `fake Zoom: no route for ${recorded.method} ${recorded.path}` } };
      }
    }
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (answer.raw) {
      answer.raw(res, req);
      return;
    }
    if (answer.drop) {
      req.socket.destroy();
      return;
    }
    const status = answer.status ?? 200;
    const headers = { "x-zm-trackingid": `trk-${this.requests.length}`, ...(answer.body !== undefined ? { "content-type": "application/json" } : {}), ...answer.headers };
    res.writeHead(status, headers);
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }
}
