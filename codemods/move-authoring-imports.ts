// jscodeshift entry point: authoring imports to cloacina-workflow (see MIGRATION.md).
import { jscodeshiftTransform } from '../src/jscodeshift-transform.js';
import { CODEMODS } from './index.js';

export default jscodeshiftTransform(CODEMODS.filter((c) => c.name === 'move-authoring-imports'));
