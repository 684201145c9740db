// Gives CommonJS bundles the import.meta.url that ES module sources read.
export const importMetaUrl = require('url').pathToFileURL(__filename).href;
