/** A minimal valid campaign file as text; `extra` lines (or odd `servers`) break exactly one rule. */
export function campaignText(name: string, servers: string, extra = ''): string {
  return [
    `name: ${name}`,
    `servers: ${servers}`,
    'image:',
    '  url: https://images.example.com/debian-12.raw',
    '  type: raw',
    '  efiBootloaderPath: \\efi\\debian\\grubx64.efi',
    extra,
  ].join('\n');
}
