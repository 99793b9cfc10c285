#!/usr/bin/env node
// The `keystone-ts` command: the compiled CLI (`npm run build` writes dist/).
import '../dist/bin.js';
