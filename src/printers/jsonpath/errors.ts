import type { GoValue } from '../govalue.js';

/** an execution error, with the values client-go's function returns beside it (an exists-filter keeps them) */
export class JsonPathExecError extends Error {
  constructor(
    message: string,
    readonly values: GoValue[],
  ) {
    super(message);
  }
}
