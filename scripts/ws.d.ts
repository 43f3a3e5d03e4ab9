/** The little of the `ws` package the benchmark's dashboards use (a client that can leave permessage-deflate out). */
declare module "ws" {
  export default class WebSocket {
    constructor(url: string, options: { headers?: Record<string, string>; perMessageDeflate?: boolean });
  }
}
