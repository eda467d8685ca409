/**
 * A tag as the value databases know it. Identity is global: a tag is (collector, device, tag
 * name), and the database the values go to assigns its id (see config/<db>/schema.sql). The
 * collector's own config store ids ("local ids") only travel inside the process, from the poll
 * to the sink, where they are translated (CentralSink).
 */
export interface TagRef {
  /** The config store's id of the tag, or a transient negative id for a key only a spool file names. */
  readonly localId: number;
  readonly device: string;
  readonly name: string;
  /** Descriptive fields; group null = not known (a tag only a spool file names): the database keeps what it has. */
  readonly group: string | null;
  readonly unit: string | null;
  readonly dataType: string | null;
  /** The tag's former name on the same device: the database renames that identity, so history stays with it. */
  readonly renamedFrom: string | null;
}

/** What a database registers: a TagRef without the process-local id. */
export type TagRegistration = Omit<TagRef, 'localId'>;

/** One string for (device, tag name): NUL cannot occur in either (names are validated). */
export function tagKey(device: string, name: string): string {
  return `${device}\u0000${name}`;
}

/** The fields whose change makes a registered tag's row worth updating. */
export function describes(ref: TagRegistration): string {
  return `${ref.group ?? '\u0000'}|${ref.unit ?? ''}|${ref.dataType ?? ''}|${ref.renamedFrom ?? ''}`;
}
