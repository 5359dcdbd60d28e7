// The version, in its own file so the CLI can print it without loading the engine.
export const TSPLAY_VERSION = '0.1.0'
