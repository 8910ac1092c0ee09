// The human study's answers as files (src/eval/study.ts has the records and the table): JSON and CSV
// exports that several browsers write, read back with every field checked, and merged without counting
// an answer twice.
import type { Answer } from './study';

/** Field order of the CSV form, and what each field must hold. */
const FIELDS: Array<[keyof Answer, 'string' | 'integer' | 'number' | 'side']> = [
  ['id', 'string'],
  ['participant', 'string'],
  ['study', 'string'],
  ['category', 'string'],
  ['trial', 'integer'],
  ['left', 'string'],
  ['right', 'string'],
  ['leftClip', 'integer'],
  ['rightClip', 'integer'],
  ['chosen', 'side'],
  ['ms', 'number'],
  ['time', 'string'],
];

export class StudyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StudyFileError';
  }
}

/** Checks one record (from JSON, or a CSV row as strings) and returns it typed; `where` prefixes errors. */
function toAnswer(raw: Record<string, unknown>, where: string, fromText: boolean): Answer {
  const out: Record<string, unknown> = {};
  for (const [key, kind] of FIELDS) {
    let v = raw[key];
    if (v === undefined || v === null || v === '') throw new StudyFileError(`${where}: missing "${key}"`);
    if (kind === 'integer' || kind === 'number') {
      if (fromText) v = Number(v);
      if (typeof v !== 'number' || !Number.isFinite(v) || (kind === 'integer' && (!Number.isInteger(v) || v < 0))) {
        throw new StudyFileError(
          `${where}: "${key}" must be a ${kind === 'integer' ? 'non-negative integer' : 'number'}, got ${JSON.stringify(raw[key])}`,
        );
      }
    } else if (kind === 'side') {
      if (v !== 'left' && v !== 'right') throw new StudyFileError(`${where}: "chosen" must be "left" or "right", got ${JSON.stringify(v)}`);
    } else if (typeof v !== 'string') {
      throw new StudyFileError(`${where}: "${key}" must be text, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  if (out.left === out.right) throw new StudyFileError(`${where}: left and right are the same source "${String(out.left)}"`);
  return out as unknown as Answer;
}

export const STUDY_FORMAT = 'vgan-study';

export function answersToJson(answers: Answer[]): string {
  return JSON.stringify({ format: STUDY_FORMAT, version: 1, answers }, null, 1);
}

const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function answersToCsv(answers: Answer[]): string {
  const lines = [FIELDS.map(([k]) => k).join(',')];
  for (const a of answers) lines.push(FIELDS.map(([k]) => csvField(a[k])).join(','));
  return `${lines.join('\n')}\n`;
}

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks. Each row keeps its first line number. */
function csvRows(text: string): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      rowLine = ++line;
    } else field += ch;
  }
  if (quoted) throw new StudyFileError(`line ${rowLine}: a quoted field is never closed`);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/** Answers from a file's text, JSON or CSV (told apart by the first character); throws StudyFileError on anything malformed. */
export function parseAnswers(text: string, name = 'file'): Answer[] {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') throw new StudyFileError(`${name}: the file is empty`);
  if (body[0] === '{') {
    let json: { format?: unknown; version?: unknown; answers?: unknown };
    try {
      json = JSON.parse(body);
    } catch (e) {
      throw new StudyFileError(`${name}: not valid JSON (${(e as Error).message})`);
    }
    if (json.format !== STUDY_FORMAT) throw new StudyFileError(`${name}: not a study file (format must be "${STUDY_FORMAT}")`);
    if (json.version !== 1) throw new StudyFileError(`${name}: unsupported study file version ${String(json.version)}`);
    if (!Array.isArray(json.answers)) throw new StudyFileError(`${name}: "answers" must be a list`);
    return json.answers.map((a, i) => {
      if (typeof a !== 'object' || a === null) throw new StudyFileError(`${name}, answer ${i + 1}: not an object`);
      return toAnswer(a as Record<string, unknown>, `${name}, answer ${i + 1}`, false);
    });
  }
  const [header, ...rows] = csvRows(body);
  const want = FIELDS.map(([k]) => k);
  const missing = want.filter((k) => !header.fields.includes(k));
  if (missing.length > 0) throw new StudyFileError(`${name}: not a study CSV; its header lacks ${missing.join(', ')}`);
  return rows.map(({ line, fields }) => {
    if (fields.length !== header.fields.length) {
      throw new StudyFileError(`${name}, line ${line}: ${fields.length} fields, the header has ${header.fields.length}`);
    }
    return toAnswer(Object.fromEntries(header.fields.map((k, i) => [k, fields[i]])), `${name}, line ${line}`, true);
  });
}

export interface Merged {
  answers: Answer[];
  /** Answers seen again with the same id and content (the same file imported twice, say). */
  duplicates: number;
  /** Ids seen again with different content: the first kept. */
  conflicts: string[];
}

const sameAnswer = (a: Answer, b: Answer) => FIELDS.every(([k]) => a[k] === b[k]);

/** Unites answer lists, keeping the first answer of each id. */
export function mergeAnswers(...lists: Answer[][]): Merged {
  const byId = new Map<string, Answer>();
  let duplicates = 0;
  const conflicts: string[] = [];
  for (const a of lists.flat()) {
    const seen = byId.get(a.id);
    if (!seen) byId.set(a.id, a);
    else if (sameAnswer(seen, a)) duplicates++;
    else conflicts.push(a.id);
  }
  return { answers: [...byId.values()], duplicates, conflicts };
}
