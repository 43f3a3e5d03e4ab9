/** Every IANA zone the browser knows, for the time zone field's suggestions. */
export function ZoneList({ id }: { id: string }) {
  return (
    <datalist id={id}>
      {Intl.supportedValuesOf("timeZone").map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
}
