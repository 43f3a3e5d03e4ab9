/**
 * Where Switchboard may send a business's events: never to a private, loopback, link-local or
 * otherwise internal address, unless the deployment says it runs on a laptop or in tests
 * (`OUTBOUND_PRIVATE_ADDRESSES = "allow"`, which `npm run dev` and the tests set). A Worker cannot
 * resolve a name itself, so the rule reads the URL's host as written (after the URL parser has
 * normalised it: `0x7f.1` is `127.0.0.1`): IP literals in the reserved ranges, and the names that
 * only mean something inside a network (`localhost`, `*.local`, `*.internal`, a name without a dot).
 */

/** Whether this deployment may send to private addresses (the README's "private-address rule"). */
export function privateAddressesAllowed(env: { OUTBOUND_PRIVATE_ADDRESSES?: string }) {
  return env.OUTBOUND_PRIVATE_ADDRESSES === "allow";
}

const INTERNAL_SUFFIXES = [".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp"];

/** [first address as a number, prefix length] of the IPv4 ranges no public endpoint lives in. */
const V4_RESERVED: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 3],
];

function v4Number(address: string): number | null {
  const parts = address.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function v4Reserved(n: number) {
  return V4_RESERVED.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    const start = v4Number(base)!;
    return n >= start && n < start + size;
  });
}

/** The 16 bytes of an IPv6 literal (as the URL parser writes it: compressed, hex, no brackets); null if it is not one. */
function v6Bytes(address: string): number[] | null {
  if (!/^[0-9a-f:.]+$/i.test(address) || !address.includes(":")) return null;
  let text = address;
  // A dotted IPv4 tail (the URL parser writes hex, but be generous).
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const n = v4Number(dotted);
    if (n === null) return null;
    text = text.slice(0, -dotted.length) + `${((n >>> 16) & 0xffff).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail, ...rest] = text.split("::");
  if (rest.length) return null;
  const groups = (s: string | undefined) => (s ? s.split(":") : []);
  const left = groups(head);
  const right = groups(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  return all.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

function v6Reserved(b: number[]) {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 15) && (b[15] === 0 || b[15] === 1)) return true; // :: and ::1
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4Reserved(((b[12]! << 24) >>> 0) + (b[13]! << 16) + (b[14]! << 8) + b[15]!); // ::ffff:a.b.c.d
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) return true; // 64:ff9b::/96 (NAT64 onto any IPv4)
  if ((b[0]! & 0xfe) === 0xfc) return true; // fc00::/7 unique local
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return true; // fe80::/10 link-local
  if (b[0] === 0xff) return true; // multicast
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return true; // 2001:db8::/32 documentation
  return false;
}

/**
 * Why `url` names a private or internal host (words for a 400 and the delivery log), or null when
 * it names a public one. An unparsable URL is refused too.
 */
export function privateAddressProblem(url: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return "is not a URL";
  }
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const v4 = v4Number(bare);
  if (v4 !== null) return v4Reserved(v4) ? `${bare} is a private, loopback or reserved address` : null;
  const v6 = v6Bytes(bare);
  if (v6 !== null) return v6Reserved(v6) ? `${bare} is a private, loopback or reserved address` : null;
  const name = bare.replace(/\.$/, "");
  if (name === "localhost" || INTERNAL_SUFFIXES.some((s) => name.endsWith(s))) return `${name} is an internal name`;
  if (!name.includes(".")) return `${name} is not a public host name`;
  return null;
}
