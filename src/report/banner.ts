/**
 * The page's first lines: the doctype, then rnnc's HTML banner (util/write.ts HTML_BANNER),
 * by which a later `rnnc report` (or any rnnc command) knows the file as its own and
 * replaces it without --force.
 */
import { HTML_BANNER } from '../util/write.js';

export const REPORT_BANNER = `${HTML_BANNER} report`;
