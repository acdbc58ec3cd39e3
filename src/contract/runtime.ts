// What the generated validators (validators.gen.ts, control-validators.gen.ts) call at run time,
// so that neither ajv nor ajv-formats is needed there: the `date-time` format (as ajv-formats'
// full mode checks it, RFC 3339 with a required offset) and ajv's code-point length.

const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$/i;

function isDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [+(match[1] ?? 0), +(match[2] ?? 0), +(match[3] ?? 0)];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : (DAYS[month] ?? 0));
}

function isTime(text: string): boolean {
  const match = TIME.exec(text);
  if (!match?.[4]) return false;
  const [hour, minute, second] = [+(match[1] ?? 0), +(match[2] ?? 0), +(match[3] ?? 0)];
  const sign = match[5] === '-' ? -1 : 1;
  const [offsetHour, offsetMinute] = [+(match[6] || 0), +(match[7] || 0)];
  if (offsetHour > 23 || offsetMinute > 59) return false;
  if (hour <= 23 && minute <= 59 && second < 60) return true;
  // A leap second is 23:59:60 in UTC.
  const utcMinute = minute - offsetMinute * sign;
  const utcHour = hour - offsetHour * sign - (utcMinute < 0 ? 1 : 0);
  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;
}

/** The formats the documents use that constrain anything (the numeric ones do not). */
export const formats = {
  'date-time': (text: string): boolean => {
    const parts = text.split(/t|\s/i);
    return parts.length === 2 && isDate(parts[0] ?? '') && isTime(parts[1] ?? '');
  },
};

/** A string's length in code points, as JSON Schema counts `minLength`/`maxLength`. */
export function ucs2length(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}
