import { credentialMode, envName, type Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { RedisLink } from "../redis.js";
import { ServerToServerTokenProvider } from "./server-to-server.js";
import { SharedTokenStore } from "./shared-token.js";
import { MissingCredentialsProvider, StaticTokenProvider } from "./static-token.js";
import type { TokenProvider } from "./types.js";

export { AuthError, type AccessToken, type TokenNotices, type TokenProvider } from "./types.js";

/** Picks the provider the configuration asks for: Server-to-Server OAuth wins over a static token. */
export function createTokenProvider(config: Config, logger: Logger, fetchImpl?: typeof fetch, redis?: RedisLink, now?: () => number): TokenProvider {
  switch (credentialMode(config)) {
    case "s2s":
      return new ServerToServerTokenProvider({
        accountId: config.accountId!,
        clientId: config.clientId!,
        clientSecret: config.clientSecret!,
        tokenUrl: config.oauthTokenUrl,
        timeoutMs: config.timeoutMs,
        logger,
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
        ...(now ? { now } : {}),
        ...(redis ? { shared: new SharedTokenStore(redis, { accountId: config.accountId!, clientId: config.clientId!, clientSecret: config.clientSecret! }) } : {}),
      });
    case "static":
      return new StaticTokenProvider(config.accessToken!);
    case "none": {
      const missing = (
        [
          [envName("accountId"), config.accountId],
          [envName("clientId"), config.clientId],
          [envName("clientSecret"), config.clientSecret],
        ] as const
      )
        .filter(([, value]) => !value)
        .map(([name]) => name);
      return new MissingCredentialsProvider(missing);
    }
  }
}
