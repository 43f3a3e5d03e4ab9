/**
 * Puts `value` under `key` in a map that an isolate keeps as a cache, as the newest entry, and
 * forgets the oldest once there are more than `max`: per-isolate memory stays bounded.
 */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number) {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}
