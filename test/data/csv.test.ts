// CSV of numeric regression data.
import { describe, expect, it } from "vitest";
import { parseCsv, tableColumnsF32 } from "../../src/data/csv.js";
import { DataError } from "../../src/runtime/errors.js";

function err(fn: () => unknown): string {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(DataError); return (e as Error).message; }
  throw new Error("expected a DataError");
}

describe("CSV parsing", () => {
  it("header, comments, blank lines, CRLF, spaces, exponents", () => {
    const t = parseCsv("# toy data\r\nx, y\r\n\r\n1.5, -2e3\r\n.25,+7\r\n-0.5 ,1E-2\n", { name: "d.csv" });
    expect(t.names).toEqual(["x", "y"]);
    expect(t.rows).toBe(3);
    expect(Array.from(t.values)).toEqual([1.5, -2000, 0.25, 7, -0.5, 0.01]);
    expect(Array.from(t.lines)).toEqual([4, 5, 6]);
  });

  it("no header (auto-detected) names columns by index", () => {
    const t = parseCsv("1,2\n3,4");
    expect(t.names).toEqual(["0", "1"]);
    expect(Array.from(t.values)).toEqual([1, 2, 3, 4]);
    expect(parseCsv("1,2\n3,4", { header: true }).names).toEqual(["1", "2"]);
  });

  it("quoted fields: delimiters, doubled quotes and newlines inside; line numbers stay right", () => {
    const t = parseCsv('"a,b","say ""hi""\nthere",c\n"1",2,3\n4,"5",6\n7,8,x9\n', { columns: ["a,b", 'say "hi"\nthere'] });
    expect(t.names).toEqual(["a,b", 'say "hi"\nthere']);
    expect(Array.from(t.values)).toEqual([1, 2, 4, 5, 7, 8]);
    expect(Array.from(t.lines)).toEqual([3, 4, 5]);
  });

  it("column selection by name and index, reordering, non-numeric columns left alone", () => {
    const t = parseCsv("id,x1,x2,y\nA,1,2,3\nB,4,5,6\n", { columns: ["y", 1] });
    expect(t.names).toEqual(["y", "x1"]);
    expect(Array.from(t.values)).toEqual([3, 1, 6, 4]);
    const f = tableColumnsF32(parseCsv("x,y\n0.1,2\n0.3,4\n"), ["x"]);
    expect(Array.from(f)).toEqual([Math.fround(0.1), Math.fround(0.3)]);
  });

  it("other delimiters, no comments, UTF-8 bytes with BOM", () => {
    expect(Array.from(parseCsv("a;b\n1;2", { delimiter: ";" }).values)).toEqual([1, 2]);
    expect(Array.from(parseCsv("#a\n1", { comment: null, header: true }).values)).toEqual([1]);
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("é,b\n1,2\n")]);
    expect(parseCsv(bytes).names).toEqual(["é", "b"]);
  });

  it("a trailing delimiter makes an empty last field", () => {
    expect(err(() => parseCsv("a,b,\n1,2,\n", { name: "t.csv" }))).toMatch(/t\.csv: line 2, column 3 \(""\): expected a number, got ""/);
  });
});

describe("CSV errors name the line, the column and the offending text", () => {
  it("a non-numeric value", () => {
    expect(err(() => parseCsv("x,y\n1,2\n3,abc\n", { name: "d.csv" }))).toMatch(/d\.csv: line 3, column 2 \("y"\): expected a number, got "abc"/);
  });
  it("overflow to infinity", () => {
    expect(err(() => parseCsv("x\n1e999", { name: "d.csv" }))).toMatch(/line 2, column 1 \("x"\): expected a finite number, got "1e999" \(overflows to Infinity\)/);
  });
  it("NaN and inf are refused", () => {
    expect(err(() => parseCsv("x\n1\nNaN"))).toMatch(/line 3, column 1 .*expected a number, got "NaN"/);
    expect(err(() => parseCsv("1,inf", { header: false }))).toMatch(/line 1, column 2 \(index 1\): expected a number, got "inf"/);
  });
  it("wrong number of fields", () => {
    expect(err(() => parseCsv("# c\nx,y\n1,2\n3\n", { name: "d.csv" }))).toMatch(/d\.csv: line 4: expected 2 fields \(as in line 2\), got 1/);
  });
  it("unterminated quote", () => {
    expect(err(() => parseCsv('x,y\n1,"2\n3,4\n'))).toMatch(/line 2, column 2: unterminated quoted field .*"\\"2\\n3,4\\n"/);
  });
  it("text after a closing quote", () => {
    expect(err(() => parseCsv('x,y\n1,"2"3\n'))).toMatch(/line 2, column 2: unexpected text after a closing quote: expected ',' or the end of the line, got "3"/);
  });
  it("a quote inside an unquoted field", () => {
    expect(err(() => parseCsv('x,y\n1,2"3\n'))).toMatch(/line 2, column 2: a quote inside an unquoted field/);
  });
  it("unknown column name / index", () => {
    expect(err(() => parseCsv("x,y\n1,2", { columns: ["z"] }))).toMatch(/no column named "z": expected one of "x", "y"/);
    expect(err(() => parseCsv("1,2", { columns: ["z"] }))).toMatch(/no column named "z": the file has no header row/);
    expect(err(() => parseCsv("x,y\n1,2", { columns: [2] }))).toMatch(/selected column index 2 is out of range: expected an integer in \[0, 1\]/);
  });
  it("duplicate header names", () => {
    expect(err(() => parseCsv("x,y,x\n1,2,3"))).toMatch(/line 1, column 3: duplicate header name "x" \(also column 1\)/);
  });
  it("empty input, header only", () => {
    expect(err(() => parseCsv("# nothing\n\n", { name: "e.csv" }))).toMatch(/e\.csv: no data rows/);
    expect(err(() => parseCsv("x,y\n"))).toMatch(/no data rows after the header on line 1/);
  });
  it("invalid UTF-8 names the byte offset", () => {
    expect(err(() => parseCsv(new Uint8Array([0x31, 0x2c, 0x32, 0x0a, 0x33, 0xff, 0x34]), { name: "b.csv" }))).toMatch(/b\.csv: not valid UTF-8 text near byte offset 5/);
  });
  it("bad options", () => {
    expect(err(() => parseCsv("1", { delimiter: "ab" }))).toMatch(/option 'delimiter' must be one character/);
    expect(err(() => parseCsv("1", { comment: "," }))).toMatch(/option 'comment' must be one character other than the delimiter/);
  });
});
