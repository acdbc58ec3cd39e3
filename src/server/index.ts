// First: on an old Node, one clear error before anything else loads.
import '../require-node.ts';
/* Standalone mock server */
export { type MockServer, type MockServerOptions, startMockServer } from './mock-server.ts';
export type { GalleryOptions } from './gallery/gallery.ts';

/* node:http adapter for any Web-standard handler */
export { type ListenOptions, listen, type RunningServer } from './listen.ts';
export type { ErrorAnswer } from './node/error-answer.ts';
export { createNodeListener, DEFAULT_MAX_BODY_BYTES, type NodeListenerOptions } from './node/listener.ts';
export type { FetchHandler } from './node/web-handler.ts';
