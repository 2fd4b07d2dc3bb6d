#!/usr/bin/env node
// A committed shim, so npm links the command even before dist/ is built (workspaces).
import '../dist/cli/main.js';
