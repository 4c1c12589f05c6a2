declare module 'http-server' {
  import type { Server } from 'node:http';
  interface Options {
    root?: string;
    cache?: number;
    cors?: boolean;
    showDir?: boolean;
    autoIndex?: boolean;
    gzip?: boolean;
  }
  const httpServer: { createServer(options: Options): { server: Server } };
  export default httpServer;
}
