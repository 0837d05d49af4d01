#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 8995:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 6466:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");

/***/ }),

/***/ 6193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:string_decoder");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 3106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ }),

/***/ 3828:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Hi: () => (/* binding */ RemoteError),
/* harmony export */   _o: () => (/* binding */ ArtifactLimitError),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   j3: () => (/* binding */ DeadlineError),
/* harmony export */   oM: () => (/* binding */ AbortedError),
/* harmony export */   sm: () => (/* binding */ AmbiguousRequestError)
/* harmony export */ });
/** Bad input or configuration: nothing was sent. CLI exit 2. */
class InputError extends Error {
    exitCode = 2;
    constructor(message) {
        super(message);
        this.name = 'InputError';
    }
}
/**
 * ci-relay could not talk to the server (auth, network, protocol), or the server refused
 * what was asked. The message is the server's own where it gave one. CLI exit 4.
 */
class RemoteError extends Error {
    status;
    exitCode = 4;
    constructor(message, status) {
        super(message);
        this.status = status;
        this.name = 'RemoteError';
    }
}
/**
 * A request that changes state (a trigger) failed after it may have reached the server:
 * retrying could start a second run.
 */
class AmbiguousRequestError extends RemoteError {
    constructor(message) {
        super(message);
        this.name = 'AmbiguousRequestError';
    }
}
/** Artifacts passed `max-artifact-size`, or an archive looked like a zip bomb: the download stops. */
class ArtifactLimitError extends RemoteError {
    constructor(message) {
        super(message);
        this.name = 'ArtifactLimitError';
    }
}
/**
 * The step's `timeout` passed (or a wait the server asked for would pass it): what was in
 * flight was abandoned. The relay turns it into the conclusion `timed_out`.
 */
class DeadlineError extends RemoteError {
    constructor(message) {
        super(message);
        this.name = 'DeadlineError';
    }
}
/** The wait was abandoned because the calling job was cancelled. */
class AbortedError extends Error {
    constructor() {
        super('ci-relay was cancelled');
        this.name = 'AbortedError';
    }
}
function errorMessage(err) {
    return err instanceof Error ? err.message : String(err);
}


/***/ }),

/***/ 641:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Kw: () => (/* binding */ neutralizeCommands),
/* harmony export */   Z4: () => (/* binding */ commandFreeJsonText),
/* harmony export */   cc: () => (/* binding */ commandFreeJson),
/* harmony export */   t8: () => (/* binding */ tidyRemoteLine)
/* harmony export */ });
/* unused harmony exports MAX_SHOWN_LINE, DOTNET_WHITESPACE, COLLATION_IGNORABLE */
/**
 * Remote text made safe to show in any host: the one place that decides what of a remote string
 * a runner could take for a command, and makes it plain text.
 */
/**
 * Escape sequences other than colours (SGR, `ESC[…m`): cursor moves, screen clears, scroll,
 * titles and hyperlinks (OSC), device strings (DCS, APC, PM, SOS), lone ESCs; C0 and C1 controls
 * but tab.
 */
const ESCAPES = 
// eslint-disable-next-line no-control-regex
/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[ -/]*[0-~]?|[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex
const SGR = /^\x1b\[[0-9;:]*m$/;
/** Longest line shown; the saved log keeps every byte. */
const MAX_SHOWN_LINE = 16 * 1024;
/** A remote line made safe to show in any host: no control sequences but colours, not too long. */
function tidyRemoteLine(line) {
    let out = line.replace(ESCAPES, (m) => (SGR.test(m) ? m : ''));
    if (out.length > MAX_SHOWN_LINE) {
        out = `${out.slice(0, MAX_SHOWN_LINE)} … (${out.length - MAX_SHOWN_LINE} more characters in the saved log)`;
    }
    return out;
}
/**
 * Text that no runner takes for a command. The one neutraliser between remote text and every
 * host channel (log lines, group titles, messages, annotations, outputs, summary, state).
 *
 * - GitHub's runner reads a step's stdout with .NET's `StreamReader.ReadLine` (lines end at
 *   `\r`, `\n` or `\r\n`: actions/runner src/Runner.Sdk/ProcessInvoker.cs `StartReadStream`) and
 *   hands each line to `ActionCommandManager.TryProcessCommand`
 *   (src/Runner.Worker/ActionCommandManager.cs), which tries `ActionCommand.TryParseV2` then
 *   `ActionCommand.TryParse` (src/Runner.Common/ActionCommand.cs). TryParseV2 does
 *   `message.TrimStart()` (.NET `char.IsWhiteSpace`, below: U+0085 and the Unicode spaces are
 *   trimmed, U+FEFF and U+200B are not) and then `StartsWith("::")`; TryParse finds the
 *   prefix `##[` anywhere in the line.
 * - Azure's agent (microsoft/azure-pipelines-agent src/Microsoft.VisualStudio.Services.Agent/
 *   Command.cs `Command.TryParse`) finds `##vso[` anywhere in a line (`message.IndexOf`), and its
 *   log view formats `##[group]`, `##[error]`, … at a line's start.
 *
 * A zero-width space (U+200B) between the two `:` or after the `##` keeps the text as it reads.
 * Both parsers compare with .NET's culture-sensitive `StartsWith`/`IndexOf`, which under ICU may
 * skip U+200B as ignorable; they then cut the command's name at a fixed offset from where the
 * prefix began (`prefixIndex + Prefix.Length`, `cmdIndex = 2`), which lands on the `[` or the
 * second `:`, so the name never reads as a registered command either way.
 */
/**
 * .NET's `char.IsWhiteSpace` (dotnet/runtime src/libraries/System.Private.CoreLib/src/System/
 * Char.cs `IsWhiteSpace`: Latin-1 U+0009–U+000D, U+0020, U+0085, U+00A0; beyond it the
 * categories Zs, Zl, Zp): what `TrimStart()` removes before the runner looks for `::`.
 */
const DOTNET_WHITESPACE = '\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000';
/** Format characters ICU's collation ignores: a culture-sensitive `StartsWith` looks past them. */
const COLLATION_IGNORABLE = '\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff';
/** Where a line may start: `ReadLine` breaks at `\r` and `\n`; the Unicode breaks are kept for safety. */
const LINE_START = `(^|[\\r\\n\\u0085\\u2028\\u2029])([${DOTNET_WHITESPACE}${COLLATION_IGNORABLE}]*):(?=:)`;
const GITHUB_COMMAND = new RegExp(LINE_START, 'g');
const HASH_COMMAND = /##(?=(?:vso)?\[)/gi;
function neutralizeCommands(text) {
    return text.replace(GITHUB_COMMAND, '$1$2:\u200b').replace(HASH_COMMAND, '##\u200b');
}
/**
 * JSON that reads back exactly (job names and the paths made from them) and yet holds no
 * `##vso[` or `##[` for a runner to obey when a later step or a log echoes it: `\u0023` is `#`
 * to a JSON reader. The Unicode line breaks a runner takes for a line's end are written as
 * escapes, so no `::` command can start a line either.
 */
function commandFreeJsonText(json) {
    return json
        .replace(/##(?=(?:vso)?\[)/gi, '#\\u0023')
        .replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/** A value as JSON that no runner takes for a command (commandFreeJsonText). */
function commandFreeJson(value) {
    return commandFreeJsonText(JSON.stringify(value));
}


/***/ }),

/***/ 3411:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ VERSION)
/* harmony export */ });
/** Kept equal to package.json's version (a test checks), so `--version` needs no file read. */
const VERSION = '1.0.0';


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXTERNAL MODULE: ./lib/core/errors.js
var errors = __nccwpck_require__(3828);
;// CONCATENATED MODULE: ./lib/hosts/detect.js
/**
 * GitHub and Azure announce themselves; anything else is a shell. `--host`/`CI_RELAY_HOST`
 * override. `args` are the command line's arguments (after `node script`): the action
 * (action.yml `runs.main`) and the task (task.json `execution.target`) start the entry with none,
 * so arguments mean a `run:`/`script:` step calling the CLI, even inside GitHub or Azure.
 */
function detectHost(env, args) {
    const flag = args.findIndex((a) => a === '--host' || a.startsWith('--host='));
    const override = flag >= 0 ? (args[flag].includes('=') ? args[flag].split('=')[1] : args[flag + 1]) : env.CI_RELAY_HOST;
    if (override === 'github' || override === 'azure' || override === 'cli')
        return override;
    if (args.length)
        return 'cli';
    if (env.GITHUB_ACTIONS === 'true')
        return 'github';
    if (env.TF_BUILD?.toLowerCase() === 'true')
        return 'azure';
    // azure-pipelines-task-lib marks itself loaded (internal.js _loadData) and has by then moved
    // INPUT_* into its vault: only a task runner loads it before the task, as Microsoft's test
    // harness (mock-test's TaskMockRunner) does, without setting TF_BUILD.
    if (globalThis._vsts_task_lib_loaded)
        return 'azure';
    return 'cli';
}

// EXTERNAL MODULE: ./lib/version.js
var version = __nccwpck_require__(3411);
// EXTERNAL MODULE: ./lib/logs/neutralise.js
var neutralise = __nccwpck_require__(641);
;// CONCATENATED MODULE: ./lib/main.js




/**
 * The entry of every host (the actions/typescript-action layout: index.ts only calls this, and
 * GitHub's local-action imports it): detect the host, load its adapter, run main or the post
 * step, and set the exit code. `args`: the command line after `node script` (index.ts passes
 * them; local-action passes none).
 */
async function run(args = []) {
    try {
        const code = await start(args);
        // local-action runs main and post in one process: the post step's 0 keeps main's failure.
        if (code !== 0 || !process.exitCode)
            process.exitCode = code;
    }
    catch (err) {
        // No host to write through: the one neutraliser still stands between the message and the runner.
        process.stderr.write(`${(0,neutralise/* neutralizeCommands */.Kw)(`ci-relay: ${(0,errors/* errorMessage */.gJ)(err)}`)}\n`);
        process.exitCode = 4;
    }
}
async function createHost(kind, args) {
    // Each host's library is loaded only in that host (azure-pipelines-task-lib empties INPUT_* on import).
    if (kind === 'github')
        return (await Promise.all(/* import() */[__nccwpck_require__.e(942), __nccwpck_require__.e(143), __nccwpck_require__.e(896)]).then(__nccwpck_require__.bind(__nccwpck_require__, 3896))).createGitHubHost();
    if (kind === 'azure')
        return (await __nccwpck_require__.e(/* import() */ 744).then(__nccwpck_require__.bind(__nccwpck_require__, 9744))).createAzureHost();
    return (await __nccwpck_require__.e(/* import() */ 417).then(__nccwpck_require__.bind(__nccwpck_require__, 4417))).createCliHost(args);
}
async function start(args) {
    const kind = detectHost(process.env, args);
    if (kind === 'cli' && (args.includes('--version') || args.includes('-V'))) {
        process.stdout.write(`ci-relay ${version/* VERSION */.x}\n`);
        return 0;
    }
    const host = await createHost(kind, args);
    if ('helpText' in host && typeof host.helpText === 'string') {
        process.stdout.write(`${host.helpText}\n`);
        return 0;
    }
    return main(host);
}
/** read settings → relay → report, for any host; the one place errors are caught. Returns the exit code. */
async function main(host) {
    if (host.isPost)
        return post(host);
    const { readSettings, relay, setOutputs, summaryMarkdown, hostInputs, Reporting, ...several } = await Promise.all(/* import() */[__nccwpck_require__.e(942), __nccwpck_require__.e(901), __nccwpck_require__.e(184)]).then(__nccwpck_require__.bind(__nccwpck_require__, 8184));
    host.saveState('isPost', 'true');
    const abort = new AbortController();
    const onSignal = (signal) => {
        if (abort.signal.aborted)
            return;
        host.warning(`Received ${signal}: stopping.`);
        abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let reporting;
    try {
        const read = hostInputs(host.kind, (name) => host.input(name));
        if (read('runs')) {
            // Several runs (relay/runs.ts): each goes through relay() on its own; this is the step's verdict.
            const result = await several.relaySeveral({ host, read, signal: abort.signal });
            several.setSeveralOutputs(host, result);
            await host.summary(several.severalSummaryMarkdown(result));
            return await host.finish({ result });
        }
        const settings = readSettings(read, (value) => host.secret(value));
        const report = (reporting = new Reporting(settings, host));
        const result = await relay({
            settings,
            host,
            signal: abort.signal,
            onStarted: (run) => report.started(run),
            onEnded: (r, remote, run) => report.ended(r, remote, run)
        });
        setOutputs(host, result);
        await report.finish(result);
        await host.summary(summaryMarkdown(result));
        return await host.finish({ result });
    }
    catch (err) {
        const error = userError(err);
        host.setOutput('conclusion', error instanceof errors/* AbortedError */.oM ? 'canceled' : 'error');
        host.debug(err instanceof Error && err.stack ? err.stack : String(err));
        await reporting?.failed(error);
        return host.finish({ error });
    }
    finally {
        // However it ended, the main step ended: the post step must not cancel a run it left going.
        host.saveState('finished', 'true');
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
    }
}
/**
 * GitHub's post step: when the main step was cancelled before it could end the run (the
 * runner kills it), cancel the remote run once. Does nothing when the main step finished.
 */
async function post(host) {
    const { readSettings, connect, SYSTEM_NAMES, graceWindow, CANCEL_GRACE_MS, cancelSeveral } = await Promise.all(/* import() */[__nccwpck_require__.e(942), __nccwpck_require__.e(901), __nccwpck_require__.e(184)]).then(__nccwpck_require__.bind(__nccwpck_require__, 8184));
    if (host.getState('runs'))
        return host.getState('finished') ? 0 : cancelSeveral(host);
    const saved = host.getState('run');
    if (!saved || host.getState('finished'))
        return 0;
    let settings;
    try {
        settings = readSettings((name) => host.input(name), (value) => host.secret(value));
    }
    catch {
        return 0;
    }
    if (!settings.cancelOnAbort)
        return 0;
    const run = JSON.parse(saved);
    // The runner gives the post step little time: the cancel gets the same bounded grace as in the main step.
    const grace = graceWindow(CANCEL_GRACE_MS);
    const { remote, clients } = await connect(settings, host, grace.signal, grace.at);
    try {
        await remote.cancel(JSON.parse(saved));
        host.warning(`Cancelled ${SYSTEM_NAMES[settings.system]} run ${run.id}: the job was cancelled before it ended.`);
    }
    catch (err) {
        host.warning(`Could not cancel ${SYSTEM_NAMES[settings.system]} run ${run.id}: ${(0,errors/* errorMessage */.gJ)(err)}`);
    }
    finally {
        clients.forEach((c) => c.dispose());
    }
    return 0;
}
/** Errors as users should read them: ours keep their sentence; anything else is a failure to talk to the server. */
function userError(err) {
    if (err instanceof errors/* InputError */.dz || err instanceof errors/* RemoteError */.Hi || err instanceof errors/* AbortedError */.oM)
        return err;
    const code = err?.code;
    const message = (0,errors/* errorMessage */.gJ)(err);
    if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
        return new errors/* RemoteError */.Hi(`TLS: ${message}. Give the server's CA in 'ca-cert' (or, at your own risk, tls-verify: false).`);
    }
    // A file system error names its path: the server is not to blame.
    if (code && err.path)
        return new errors/* RemoteError */.Hi(`ci-relay failed: ${message}`);
    return new errors/* RemoteError */.Hi(code ? `Could not reach the server: ${message}` : `ci-relay failed: ${message}`);
}

;// CONCATENATED MODULE: ./lib/index.js

void run(process.argv.slice(2));

