// jscodeshift entry point: every transform in order, in one pass (what the CLI does).
import { jscodeshiftTransform } from '../src/jscodeshift-transform.js';
import { CODEMODS } from './index.js';

export default jscodeshiftTransform(CODEMODS);
