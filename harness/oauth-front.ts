/** mock-oauth2-server's token endpoint behind an nginx that checks the client's secret (harness/oauth.ts). */
import { join, resolve } from "node:path";
import { startBasicAuthProxy, stopProcess } from "./basic-auth-proxy.ts";

/**
 * The token endpoint `tokenEndpoint` behind nginx asking for `client`'s id and secret by HTTP basic
 * auth, the client_secret_basic of RFC 6749 section 2.3.1 (id and secret form-encoded first, so
 * keep both to unreserved characters): a wrong secret gets 401, as from a real authorisation server.
 */
export async function startCheckingTokenEndpoint(
  tokenEndpoint: string,
  client: { id: string; secret: string },
): Promise<{ tokenEndpoint: string; stop(): Promise<void> }> {
  const upstream = new URL(tokenEndpoint);
  const proxy = await startBasicAuthProxy(
    Number(upstream.port),
    { username: client.id, password: client.secret },
    join(resolve(import.meta.dir, ".."), ".cache", "oauth"),
  );
  return { tokenEndpoint: `${proxy.url}${upstream.pathname}`, stop: () => stopProcess(proxy.process) };
}
