/** The package version and the commit it was built from; build.ts defines both at compile time. */
import packageJson from "../package.json" with { type: "json" };

declare const SOURCE_KAFKA_COMMIT: string | undefined;

export const version: string = packageJson.version;
export const commit: string = typeof SOURCE_KAFKA_COMMIT === "string" ? SOURCE_KAFKA_COMMIT : "source";
