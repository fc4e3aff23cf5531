/**
 * The parts of @modelcontextprotocol/sdk Warden uses, in one module that the
 * build puts in a bundle of its own (dist/mcp-sdk.js): it is loaded when a
 * task starts MCP servers, never at activation.
 */
export { Client } from '@modelcontextprotocol/sdk/client/index.js';
export { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
export { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
export { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
export { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
