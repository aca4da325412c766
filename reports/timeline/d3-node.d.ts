/** Types for `d3-node` (it ships none): the part the timeline uses. */
declare module 'd3-node' {
  import type * as d3 from 'd3';
  export interface D3NodeOptions {
    readonly selector?: string;
    readonly container?: string;
    readonly styles?: string;
  }
  export class D3Node {
    constructor(options?: D3NodeOptions);
    readonly d3: typeof d3;
    createSVG(width?: number, height?: number, attrs?: Readonly<Record<string, string | number>>): d3.Selection<SVGSVGElement, unknown, null, undefined>;
    svgString(): string;
  }
}
