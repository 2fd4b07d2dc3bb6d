// jscodeshift entry point: the removed context methods (see MIGRATION.md).
import { jscodeshiftTransform } from '../src/jscodeshift-transform.js';
import { CODEMODS } from './index.js';

export default jscodeshiftTransform(CODEMODS.filter((c) => c.name === 'rewrite-context-loaders'));
