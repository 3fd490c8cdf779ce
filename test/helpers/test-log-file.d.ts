/**
 * The directory of this run's test logs (emptied by the global setup).
 * @public (knip sees its users import the .js file)
 */
export function testLogDir(rootDir: string): string;
/**
 * The log file of the test file at `testPath`.
 * @public (knip sees its users import the .js file)
 */
export function testLogFile(rootDir: string, testPath: string): string;
