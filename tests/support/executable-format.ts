/**
 * What kind of executable a file is, read from its header bytes: enough to tell that a
 * cross-compiled binary we cannot run here is built for the platform its name promises.
 */
export type ExecutableFormat =
  | { format: "elf"; machine: "x86-64" | "arm64" | number; interpreter: string | null }
  | { format: "mach-o"; machine: "x86_64" | "arm64" | number; executable: boolean; signed: boolean }
  | { format: "pe32+"; machine: "x86-64" | number; console: boolean }
  | { format: "unknown" };

const ELF_MACHINES: Record<number, "x86-64" | "arm64"> = { 62: "x86-64", 183: "arm64" };
const MACHO_CPUS: Record<number, "x86_64" | "arm64"> = { 16777223: "x86_64", 16777228: "arm64" };

/** Reads the header of a 64-bit little-endian ELF, Mach-O or PE32+ (Windows) executable. */
export function executableFormat(bytes: Uint8Array): ExecutableFormat {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, false) === 0x7f454c46 && bytes[4] === 2 && bytes[5] === 1) {
    const machine = view.getUint16(0x12, true);
    const phoff = Number(view.getBigUint64(0x20, true));
    const phentsize = view.getUint16(0x36, true);
    let interpreter: string | null = null;
    for (let i = 0; i < view.getUint16(0x38, true); i++) {
      const ph = phoff + i * phentsize;
      if (view.getUint32(ph, true) !== 3) continue; // PT_INTERP: the dynamic loader's path
      const offset = Number(view.getBigUint64(ph + 8, true));
      const size = Number(view.getBigUint64(ph + 32, true));
      interpreter = new TextDecoder().decode(bytes.subarray(offset, offset + size)).replace(/\0+$/, "");
    }
    return { format: "elf", machine: ELF_MACHINES[machine] ?? machine, interpreter };
  }
  if (view.getUint32(0, true) === 0xfeedfacf) {
    const cpu = view.getUint32(4, true);
    // macOS on arm64 runs only signed code: look for LC_CODE_SIGNATURE among the load commands.
    let signed = false;
    for (
      let i = 0, at = 32;
      i < view.getUint32(16, true) && at + 8 <= bytes.length;
      i++, at += view.getUint32(at + 4, true)
    ) {
      if (view.getUint32(at, true) === 0x1d) signed = true;
    }
    return { format: "mach-o", machine: MACHO_CPUS[cpu] ?? cpu, executable: view.getUint32(12, true) === 2, signed };
  }
  if (bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const pe = view.getUint32(0x3c, true);
    if (view.getUint32(pe, false) === 0x50450000 && view.getUint16(pe + 24, true) === 0x20b) {
      const machine = view.getUint16(pe + 4, true);
      // Subsystem 3 is the console: stdin/stdout work as a connector needs.
      return {
        format: "pe32+",
        machine: machine === 0x8664 ? "x86-64" : machine,
        console: view.getUint16(pe + 24 + 68, true) === 3,
      };
    }
  }
  return { format: "unknown" };
}
