/** A control API request that cannot be served; becomes application/problem+json. */
export class ControlProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ?? title);
  }
}
