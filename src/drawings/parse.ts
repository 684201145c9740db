// Parser for the paper's program listings (the `reference.program` strings of drawings.json).
import { affine, constant, type Affine, type Program, type Statement } from './program.js';

export class ProgramParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = 'ProgramParseError';
  }
}

type TokenKind = 'number' | 'ident' | 'punct' | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
}

const PUNCTUATION = new Set(['(', ')', '{', '}', ',', ';', '=', '<', '>', '+', '-', '*']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let column = 1;
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\n') {
      line += 1;
      column = 1;
      i += 1;
      continue;
    }
    if (/\s/.test(ch)) {
      i += 1;
      column += 1;
      continue;
    }
    const start = { line, column };
    if (/[0-9]/.test(ch)) {
      let j = i;
      while (j < source.length && /[0-9]/.test(source[j])) {
        j += 1;
      }
      tokens.push({ kind: 'number', text: source.slice(i, j), ...start });
      column += j - i;
      i = j;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      let j = i;
      while (j < source.length && /[A-Za-z_0-9]/.test(source[j])) {
        j += 1;
      }
      tokens.push({ kind: 'ident', text: source.slice(i, j), ...start });
      column += j - i;
      i = j;
      continue;
    }
    if (PUNCTUATION.has(ch)) {
      tokens.push({ kind: 'punct', text: ch, ...start });
      i += 1;
      column += 1;
      continue;
    }
    throw new ProgramParseError(`unexpected character '${ch}'`, line, column);
  }
  tokens.push({ kind: 'eof', text: '<end of input>', line, column });
  return tokens;
}

/** A linear form: constant plus coefficients per variable. */
interface Linear {
  offset: number;
  coefs: Map<string, number>;
}

class Parser {
  private pos = 0;
  private readonly scope: string[] = [];

  constructor(private readonly tokens: Token[]) {}

  parseProgram(): Program {
    const body = this.parseStatements();
    const next = this.peek();
    if (next.kind !== 'eof') {
      this.fail(`unexpected '${next.text}'`, next);
    }
    return { body };
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const token = this.tokens[this.pos];
    if (token.kind !== 'eof') {
      this.pos += 1;
    }
    return token;
  }

  private fail(message: string, token: Token = this.peek()): never {
    throw new ProgramParseError(message, token.line, token.column);
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private expectPunct(text: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== text) {
      this.fail(`expected '${text}' but found '${token.text}'`, token);
    }
  }

  private expectIdent(): Token {
    const token = this.next();
    if (token.kind !== 'ident') {
      this.fail(`expected a name but found '${token.text}'`, token);
    }
    return token;
  }

  private parseStatements(): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      while (this.isPunct(';')) {
        this.next();
      }
      const token = this.peek();
      if (token.kind === 'eof' || (token.kind === 'punct' && token.text === '}')) {
        return statements;
      }
      statements.push(this.parseStatement());
    }
  }

  private parseBlock(): Statement[] {
    this.expectPunct('{');
    const body = this.parseStatements();
    this.expectPunct('}');
    return body;
  }

  private parseStatement(): Statement {
    const token = this.expectIdent();
    switch (token.text) {
      case 'circle': {
        const args = this.parseArguments(token);
        if (args.positional.length !== 2 && !(args.positional.length === 3 && isConstant(args.positional[2], 1))) {
          this.fail('circle takes two coordinates (x, y)', token);
        }
        this.rejectKeywords(args.keywords, [], token);
        return { kind: 'circle', x: args.positional[0], y: args.positional[1] };
      }
      case 'rectangle': {
        const args = this.parseArguments(token);
        if (args.positional.length !== 4) {
          this.fail('rectangle takes four coordinates (x1, y1, x2, y2)', token);
        }
        this.rejectKeywords(args.keywords, [], token);
        const [x1, y1, x2, y2] = args.positional;
        return { kind: 'rectangle', x1, y1, x2, y2 };
      }
      case 'line': {
        const args = this.parseArguments(token);
        if (args.positional.length !== 4) {
          this.fail('line takes four coordinates (x1, y1, x2, y2) then arrow = …, solid = …', token);
        }
        this.rejectKeywords(args.keywords, ['arrow', 'solid'], token);
        const [x1, y1, x2, y2] = args.positional;
        return {
          kind: 'line',
          x1,
          y1,
          x2,
          y2,
          arrow: args.keywords.get('arrow') ?? false,
          solid: args.keywords.get('solid') ?? true,
        };
      }
      case 'for': {
        this.expectPunct('(');
        const variable = this.expectIdent();
        if (this.scope.includes(variable.text)) {
          this.fail(`loop variable '${variable.text}' is already in use`, variable);
        }
        this.expectPunct('<');
        const bound = this.parseAffine();
        this.expectPunct(')');
        this.scope.push(variable.text);
        const body = this.parseBlock();
        this.scope.pop();
        return { kind: 'loop', variable: variable.text, bound, body };
      }
      case 'if': {
        this.expectPunct('(');
        const variable = this.expectIdent();
        if (!this.scope.includes(variable.text)) {
          this.fail(`'${variable.text}' is not a loop variable here`, variable);
        }
        this.expectPunct('>');
        const zero = this.next();
        if (zero.kind !== 'number' || Number(zero.text) !== 0) {
          this.fail(`only 'if (${variable.text} > 0)' is supported`, zero);
        }
        this.expectPunct(')');
        return { kind: 'if', variable: variable.text, body: this.parseBlock() };
      }
      case 'reflect': {
        this.expectPunct('(');
        const { axis, at } = this.parseAxis();
        this.expectPunct(')');
        return { kind: 'reflect', axis, at, body: this.parseBlock() };
      }
      default:
        return this.fail(`unknown statement '${token.text}'`, token);
    }
  }

  /** `x = 3`, `y = -2`, or the paper's doubled form `reflect(y = 9)`. */
  private parseAxis(): { axis: 'x' | 'y'; at: number } {
    const token = this.expectIdent();
    if (token.text === 'reflect') {
      this.expectPunct('(');
      const inner = this.parseAxis();
      this.expectPunct(')');
      return inner;
    }
    if (token.text !== 'x' && token.text !== 'y') {
      this.fail(`expected a reflection axis 'x = …' or 'y = …' but found '${token.text}'`, token);
    }
    this.expectPunct('=');
    const value = this.parseAffine();
    if (value.variable !== null) {
      this.fail('a reflection axis must be a constant', token);
    }
    return { axis: token.text, at: value.offset };
  }

  private rejectKeywords(keywords: Map<string, boolean>, allowed: string[], at: Token): void {
    for (const name of keywords.keys()) {
      if (!allowed.includes(name)) {
        this.fail(`unexpected argument '${name}'`, at);
      }
    }
  }

  private parseArguments(call: Token): { positional: Affine[]; keywords: Map<string, boolean> } {
    this.expectPunct('(');
    const positional: Affine[] = [];
    const keywords = new Map<string, boolean>();
    if (this.isPunct(')')) {
      this.next();
      return { positional, keywords };
    }
    for (;;) {
      const token = this.peek();
      const following = this.tokens[this.pos + 1];
      if (token.kind === 'ident' && following.kind === 'punct' && following.text === '=') {
        this.next();
        this.next();
        const value = this.expectIdent();
        const lowered = value.text.toLowerCase();
        if (lowered !== 'true' && lowered !== 'false') {
          this.fail(`expected True or False but found '${value.text}'`, value);
        }
        keywords.set(token.text, lowered === 'true');
      } else if (token.kind === 'ident' && ['True', 'False', 'true', 'false'].includes(token.text)) {
        // Positional booleans: line(x1, y1, x2, y2, arrow, solid).
        this.next();
        const name = keywords.has('arrow') ? 'solid' : 'arrow';
        keywords.set(name, token.text.toLowerCase() === 'true');
      } else {
        if (keywords.size > 0) {
          this.fail('a coordinate cannot follow a keyword argument', token);
        }
        positional.push(this.parseAffine());
      }
      const separator = this.next();
      if (separator.kind === 'punct' && separator.text === ')') {
        break;
      }
      if (separator.kind !== 'punct' || separator.text !== ',') {
        this.fail(`expected ',' or ')' in the arguments of ${call.text} but found '${separator.text}'`, separator);
      }
    }
    return { positional, keywords };
  }

  private parseAffine(): Affine {
    const start = this.peek();
    const linear = this.parseSum();
    const variables = [...linear.coefs.entries()].filter(([, c]) => c !== 0);
    if (variables.length > 1) {
      this.fail('a coordinate may use only one loop variable', start);
    }
    if (variables.length === 0) {
      return constant(linear.offset);
    }
    const [variable, coef] = variables[0];
    return affine(coef, variable, linear.offset);
  }

  private parseSum(): Linear {
    let result = this.parseProduct();
    for (;;) {
      if (this.isPunct('+')) {
        this.next();
        result = addLinear(result, this.parseProduct(), 1);
      } else if (this.isPunct('-')) {
        this.next();
        result = addLinear(result, this.parseProduct(), -1);
      } else {
        return result;
      }
    }
  }

  private parseProduct(): Linear {
    let result = this.parseUnary();
    while (this.isPunct('*')) {
      const star = this.next();
      const right = this.parseUnary();
      if (result.coefs.size > 0 && right.coefs.size > 0) {
        this.fail('a product of two loop variables is not linear', star);
      }
      result = result.coefs.size > 0 ? scaleLinear(result, right.offset) : scaleLinear(right, result.offset);
    }
    return result;
  }

  private parseUnary(): Linear {
    if (this.isPunct('-')) {
      this.next();
      return scaleLinear(this.parseUnary(), -1);
    }
    if (this.isPunct('+')) {
      this.next();
      return this.parseUnary();
    }
    const token = this.next();
    if (token.kind === 'number') {
      return { offset: Number(token.text), coefs: new Map() };
    }
    if (token.kind === 'ident') {
      if (!this.scope.includes(token.text)) {
        this.fail(`'${token.text}' is not a loop variable here`, token);
      }
      return { offset: 0, coefs: new Map([[token.text, 1]]) };
    }
    if (token.kind === 'punct' && token.text === '(') {
      const inner = this.parseSum();
      this.expectPunct(')');
      return inner;
    }
    return this.fail(`expected a number, a loop variable or '(' but found '${token.text}'`, token);
  }
}

function isConstant(value: Affine, expected: number): boolean {
  return value.variable === null && value.offset === expected;
}

function addLinear(a: Linear, b: Linear, sign: number): Linear {
  const coefs = new Map(a.coefs);
  for (const [name, c] of b.coefs) {
    coefs.set(name, (coefs.get(name) ?? 0) + sign * c);
  }
  return { offset: a.offset + sign * b.offset, coefs };
}

function scaleLinear(a: Linear, factor: number): Linear {
  return { offset: a.offset * factor, coefs: new Map([...a.coefs].map(([name, c]) => [name, c * factor])) };
}

/** Parses a program in the paper's listing syntax; throws ProgramParseError with line and column. */
export function parseProgram(source: string): Program {
  return new Parser(tokenize(source)).parseProgram();
}
