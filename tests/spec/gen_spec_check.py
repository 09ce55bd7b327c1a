#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Generate a C program that checks doc/device-spec.md against wcnic_hw.h.

The specification states every register offset, bit, constant, structure
field and structure size in "checked tables" (format described in section
1.7 of the document and summarised here). This script reads those tables
and the header, and writes a C file that includes wcnic_hw.h and compares,
at run time, every value the document states with the value the compiler
computes from the header. The C program prints one line per disagreement
and exits non-zero if there is any.

Checked tables
--------------
A markdown table is checked when the header cell of its first column is
"Identifier" or "Expression" (case-insensitive).

Identifier tables: the first cell of each row is, in backticks, one of
    `WCNIC_NAME`              object-like macro or enumerator
    `WCNIC_NAME(a, b)`        function-like macro, with the header's
                              parameter names
    `struct wcnic_name`       structure (Size = sizeof)
    `wcnic_name.field`        structure member (Offset = offsetof,
                              Size = sizeof the member); a leading
                              "struct " is accepted
    `wcnic_name_t`            typedef (Size = sizeof)
Expression tables: the first cell is a C constant expression over header
identifiers, e.g. `WCNIC_PUSH_MAX_SG(WCNIC_PUSH_ENTRY_128)`.

Columns recognised by their header cell (case-insensitive); every other
column is free text:
    Value       the value of the macro / enumerator / expression
    Bit         the macro equals 1 << Bit
    Offset      macro value (register offset) or offsetof() of a member
    Size        bytes: sizeof() of a structure, member or typedef; for a
                register macro, its width (compared with the u8/u16/u32/u64
                the header comment states, and checked for alignment and
                overlap with the other registers of the document); a
                register table (a key) is a multiple of 4 bytes starting
                on a 64-byte line
    Definition  function-like macro: a C expression in the parameter names
                that must equal the macro for a set of sample arguments;
                object-like macro: same as Value
    Access      RO / RW / W1 tokens, compared with the header comment when
                the comment states them (not a value check)
A cell that is empty or "-" / "—" states nothing. Inside a cell a literal
"|" is written "\\|" (GitHub markdown rule).

Coverage: every WCNIC_* macro (except the include guard), every WCNIC_*
enumerator, every wcnic_* structure and member and every wcnic_* typedef of
the header must be stated by at least one Identifier row. Every `WCNIC_*`
name and `struct wcnic_*` mentioned anywhere in the document must exist in
the header.

All findings are reported by the generated program (not by this script),
so a stale document fails the test without breaking the build.

With --mutate the script adds 1 to every value the document states; the
generated program then exits 0 only if every check detects the change
(proof that no check is vacuous). The same mode also verifies that the
coverage rule reports a removed row of each kind.
"""

import argparse
import os
import re
import sys

CHECKED_FIRST = ('identifier', 'expression')
VALUE_COLUMNS = ('value', 'bit', 'offset', 'size', 'definition')

# Sample arguments for function-like macros, by parameter name.
SAMPLES = {
    'q': [0, 1, 2, 3, 4, 5, 6, 7],
    'e': [128, 256],
    'nb_sg': [0, 1, 2, 7],
    'seq': [0, 1, 0x7FFF, 0xFFFF, 0x10000, 0x12345],
    'idx': [0, 1, 0x40, 0xFFFF, 0x10000, 0x1FFFF],
    'v': [0, 0x00010040, 0x0000FFFF, 0xFFFF0000, 0xFFFFFFFF, 0xABCD1234],
    'i': [0, 1, 63, 64, 65, 127, 128, 255, 256, 1023, 1024, 32767, 32768,
          65535, 65536, 0xFFFFFFFF],
    'ring_size': [64, 128, 512, 32768],
    'maj': [0, 1, 2, 0xFF],
    'min': [0, 1, 0xFF],
    'patch': [0, 1, 0xFFFF],
    'mtu': [68, 1500, 9000, 9198, 9199, 65535],
}
GENERIC_SAMPLES = [0, 1, 2, 3, 8, 64, 255, 4096]

# Characters allowed in a cell that is pasted into C as an expression.
EXPR_OK = re.compile(r"^[A-Za-z0-9_ ()+\-*/%<>&|^~,?:]+$")
WIDTH_RE = re.compile(r"\bu(8|16|32|64)\b")
ACCESS_RE = re.compile(r"\b(RO|RW|W1)\b")


def c_str(s):
    """C string literal for s."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append('\\' + ch)
        elif ch == '\n':
            out.append('\\n')
        elif ord(ch) < 32 or ord(ch) > 126:
            out.append('?')
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


# ---------------------------------------------------------------------------
# Header
# ---------------------------------------------------------------------------

class Macro:
    def __init__(self, name, params, line, width, access):
        self.name = name
        self.params = params      # None for object-like
        self.line = line
        self.width = width        # bytes from the comment, or None
        self.access = access      # frozenset of tokens, or empty


class Header:
    def __init__(self, path):
        self.path = path
        self.macros = {}
        self.enumerators = {}
        self.structs = {}          # name -> [field, ...]
        self.decl_lines = {}       # struct name / 'struct.field' -> line
        self.typedefs = {}
        with open(path, encoding='utf-8') as f:
            text = f.read()
        self._parse_defines(text)
        self._parse_decls(text)

    @staticmethod
    def _comment_facts(comment):
        m = WIDTH_RE.search(comment)
        width = int(m.group(1)) // 8 if m else None
        return width, frozenset(ACCESS_RE.findall(comment))

    def _parse_defines(self, text):
        lines = text.split('\n')
        i = 0
        run_defaults = (None, frozenset())
        while i < len(lines):
            start = i
            logical = lines[i]
            while logical.endswith('\\') and i + 1 < len(lines):
                i += 1
                logical = logical[:-1] + ' ' + lines[i]
            i += 1
            stripped = logical.strip()
            if not stripped:
                run_defaults = (None, frozenset())
                continue
            one_line_comment = re.fullmatch(r"/\*(.*)\*/", stripped)
            if one_line_comment and '*/' not in one_line_comment.group(1):
                run_defaults = self._comment_facts(one_line_comment.group(1))
                continue
            m = re.match(r"\s*#\s*define\s+(\w+)(\(([^)]*)\))?(.*)$", logical)
            if not m:
                run_defaults = (None, frozenset())
                continue
            name, params, rest = m.group(1), m.group(3), m.group(4)
            cm = re.search(r"/\*(.*?)\*/", rest)
            comment = cm.group(1) if cm else ''
            body = re.sub(r"/\*.*?\*/", ' ', rest).strip()
            if not body:
                continue              # include guard or flag macro
            width, access = self._comment_facts(comment)
            if width is None:
                width = run_defaults[0]
            if not access:
                access = run_defaults[1]
            plist = None
            if m.group(2) is not None:
                plist = [p.strip() for p in params.split(',') if p.strip()]
            self.macros[name] = Macro(name, plist, start + 1, width, access)

    def _parse_decls(self, text):
        # Blank out comments but keep line structure.
        def blank(mo):
            return re.sub(r"[^\n]", ' ', mo.group(0))
        code = re.sub(r"/\*.*?\*/", blank, text, flags=re.S)
        code = re.sub(r"//[^\n]*", blank, code)
        code = re.sub(r"^\s*#[^\n]*(\\\n[^\n]*)*", blank, code, flags=re.M)

        def line_of(pos):
            return code.count('\n', 0, pos) + 1

        for m in re.finditer(r"\benum\s+(\w+)?\s*\{(.*?)\}", code, re.S):
            body_start = m.start(2)
            for em in re.finditer(r"(\w+)\s*(=[^,]*)?(,|$)", m.group(2)):
                self.enumerators[em.group(1)] = line_of(body_start + em.start())
        for m in re.finditer(r"\bstruct\s+(\w+)\s*\{(.*?)\}\s*;", code, re.S):
            fields = []
            self.decl_lines[m.group(1)] = line_of(m.start())
            pos = m.start(2)
            for decl in m.group(2).split(';'):
                decl_line = line_of(pos + len(decl) - len(decl.lstrip()))
                pos += len(decl) + 1
                decl = decl.strip()
                if not decl:
                    continue
                # "type a, b[4]" -> declarators after the type
                dm = re.match(r"(.*?\b\w+\b[\s*]+)(\w+.*)$", decl, re.S)
                if not dm:
                    continue
                for d in dm.group(2).split(','):
                    nm = re.match(r"\s*\**\s*(\w+)", d)
                    if nm:
                        fields.append(nm.group(1))
                        self.decl_lines[m.group(1) + '.' + nm.group(1)] = decl_line
            self.structs[m.group(1)] = fields
        for m in re.finditer(r"\btypedef\s+[^;{}]*?\b(\w+)\s*;", code):
            self.typedefs[m.group(1)] = line_of(m.start())

    def has_constant(self, name):
        return name in self.macros or name in self.enumerators

    def required(self):
        """Every (kind, key) the document must state."""
        req = []
        for name in self.macros:
            if name.startswith('WCNIC_'):
                req.append(('macro', name))
        for name in self.enumerators:
            if name.startswith('WCNIC_'):
                req.append(('macro', name))
        for sname, fields in self.structs.items():
            if sname.startswith('wcnic_'):
                req.append(('struct', sname))
                for f in fields:
                    req.append(('field', sname + '.' + f))
        for t in self.typedefs:
            if t.startswith('wcnic_'):
                req.append(('typedef', t))
        return req


def undocumented(header, stated):
    return [key for key in header.required() if key not in stated]


# ---------------------------------------------------------------------------
# Document
# ---------------------------------------------------------------------------

def split_row(line):
    """Cells of a markdown table row; honours \\| escapes."""
    s = line.strip()
    if s.startswith('|'):
        s = s[1:]
    if s.endswith('|') and not s.endswith('\\|'):
        s = s[:-1]
    cells, cur, k = [], [], 0
    while k < len(s):
        if s[k] == '\\' and k + 1 < len(s) and s[k + 1] == '|':
            cur.append('|')
            k += 2
            continue
        if s[k] == '|':
            cells.append(''.join(cur).strip())
            cur = []
        else:
            cur.append(s[k])
        k += 1
    cells.append(''.join(cur).strip())
    return cells


def unquote(cell):
    c = cell.strip()
    if len(c) >= 2 and c.startswith('`') and c.endswith('`') and c.count('`') == 2:
        c = c[1:-1].strip()
    return c


def stated(cell):
    return unquote(cell) not in ('', '-', '—', '–', 'n/a')


class Table:
    def __init__(self, line, headers):
        self.line = line
        self.headers = [h.strip().lower() for h in headers]
        self.rows = []            # (line, cells)


def read_tables(path):
    tables = []
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    in_fence = False
    k = 0
    while k < len(lines):
        ln = lines[k]
        if ln.lstrip().startswith('```'):
            in_fence = not in_fence
            k += 1
            continue
        if in_fence or not ln.lstrip().startswith('|'):
            k += 1
            continue
        # table: header, separator, rows
        headers = split_row(ln)
        t = Table(k + 1, headers)
        k += 1
        if k < len(lines) and re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", lines[k]):
            k += 1
        while k < len(lines) and lines[k].lstrip().startswith('|'):
            t.rows.append((k + 1, split_row(lines[k])))
            k += 1
        tables.append(t)
    return lines, tables


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------

class Gen:
    def __init__(self, header, doc_label, mutate):
        self.h = header
        self.doc = doc_label
        self.mutate = mutate
        self.body = []
        self.samples_used = set()
        self.stated = set()
        self.registers = []       # (prefix, name, offset, size, loc)
        self.n_value_checks = 0

    def loc(self, line):
        return '%s:%d' % (self.doc, line)

    def problem(self, line, what, msg):
        self.body.append('\tspec_problem(%s, %s, %s);' % (
            c_str(self.loc(line)), c_str(what), c_str(msg)))

    def doc_expr(self, expr):
        return '((%s) + 1)' % expr if self.mutate else '(%s)' % expr

    def check(self, line, what, column, header_expr, doc_expr):
        self.n_value_checks += 1
        self.body.append('\tspec_check(%s, %s, %s, (uint64_t)(%s), (uint64_t)%s);' % (
            c_str(self.loc(line)), c_str(what), c_str(column),
            header_expr, self.doc_expr(doc_expr)))

    def cell_expr(self, line, what, col, cell, params=()):
        e = unquote(cell)
        bad = self.expr_problem(e, params)
        if bad:
            self.problem(line, what, "%s cell '%s' is not a C constant expression: %s" % (
                col, e, bad))
            return None
        return e

    def expr_problem(self, e, params=()):
        """Why e cannot be pasted into C as a constant expression, or None."""
        if not EXPR_OK.match(e):
            return 'unexpected character'
        rest = re.sub(r"\b(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*\b", ' ', e)
        for tok in re.findall(r"[A-Za-z_]\w*", rest):
            if tok in params or tok in ('sizeof', 'struct', 'UINT64_C', 'UINT32_C'):
                continue
            if self.h.has_constant(tok) or tok in self.h.structs or tok in self.h.typedefs:
                continue
            return "'%s' is neither a number nor a wcnic_hw.h name" % tok
        if re.search(r"[0-9]\s+[0-9(]|\)\s*\(", e):
            return 'two operands in a row'
        return None

    # -- one row of an Identifier table --------------------------------
    def identifier_row(self, table, line, cells):
        first = unquote(cells[0])
        cols = dict(zip(table.headers, cells + [''] * (len(table.headers) - len(cells))))
        given = [c for c in VALUE_COLUMNS if c in cols and stated(cols[c])]
        if not cells[0].strip().startswith('`'):
            self.problem(line, first, 'first cell of an Identifier row must be in backticks')
            return
        if not given:
            self.problem(line, first, 'row states no value (no Value/Bit/Offset/Size/Definition)')
            return

        m_struct = re.fullmatch(r"struct\s+(wcnic_\w+)", first)
        m_field = re.fullmatch(r"(?:struct\s+)?(wcnic_\w+)\.(\w+)", first)
        m_fn = re.fullmatch(r"(WCNIC_\w+)\s*\(([^)]*)\)", first)
        m_name = re.fullmatch(r"(WCNIC_\w+)", first)
        m_type = re.fullmatch(r"(wcnic_\w+_t)", first)

        if m_struct:
            s = m_struct.group(1)
            self.stated.add(('struct', s))
            if s not in self.h.structs:
                self.problem(line, first, 'no such structure in wcnic_hw.h')
                return
            for c in given:
                if c != 'size':
                    self.problem(line, first, "column '%s' does not apply to a structure" % c)
                    continue
                e = self.cell_expr(line, first, c, cols[c])
                if e:
                    self.check(line, first, 'size', 'sizeof(struct %s)' % s, e)
        elif m_field:
            s, f = m_field.group(1), m_field.group(2)
            key = s + '.' + f
            self.stated.add(('field', key))
            if s not in self.h.structs:
                self.problem(line, first, 'no such structure in wcnic_hw.h')
                return
            if f not in self.h.structs[s]:
                self.problem(line, first, 'struct %s has no member %s in wcnic_hw.h' % (s, f))
                return
            for c in given:
                e = self.cell_expr(line, first, c, cols[c])
                if not e:
                    continue
                if c == 'offset':
                    self.check(line, first, 'offset', 'offsetof(struct %s, %s)' % (s, f), e)
                elif c == 'size':
                    self.check(line, first, 'size', 'sizeof(((struct %s *)0)->%s)' % (s, f), e)
                else:
                    self.problem(line, first, "column '%s' does not apply to a member" % c)
        elif m_type:
            t = m_type.group(1)
            self.stated.add(('typedef', t))
            if t not in self.h.typedefs:
                self.problem(line, first, 'no such typedef in wcnic_hw.h')
                return
            for c in given:
                e = self.cell_expr(line, first, c, cols[c])
                if not e:
                    continue
                if c == 'size':
                    self.check(line, first, 'size', 'sizeof(%s)' % t, e)
                else:
                    self.problem(line, first, "column '%s' does not apply to a typedef" % c)
        elif m_fn:
            name = m_fn.group(1)
            params = [p.strip() for p in m_fn.group(2).split(',') if p.strip()]
            self.stated.add(('macro', name))
            mac = self.h.macros.get(name)
            if mac is None:
                self.problem(line, first, 'no such macro in wcnic_hw.h')
                return
            if mac.params is None:
                self.problem(line, first, 'is an object-like macro in wcnic_hw.h; write it without arguments')
                return
            if params != mac.params:
                self.problem(line, first, 'parameters (%s) differ from wcnic_hw.h (%s)' % (
                    ', '.join(params), ', '.join(mac.params)))
                return
            for c in given:
                if c != 'definition':
                    self.problem(line, first, "column '%s' does not apply to a function-like macro; use Definition" % c)
                    continue
                e = self.cell_expr(line, first, c, cols[c], params)
                if e:
                    self.function_check(line, first, name, params, e)
        elif m_name:
            name = m_name.group(1)
            self.stated.add(('macro', name))
            if not self.h.has_constant(name):
                self.problem(line, first, 'not defined in wcnic_hw.h (neither macro nor enumerator)')
                return
            mac = self.h.macros.get(name)
            if mac is not None and mac.params is not None:
                self.problem(line, first, 'is a function-like macro in wcnic_hw.h; write %s(%s)' % (
                    name, ', '.join(mac.params)))
                return
            for c in given:
                e = self.cell_expr(line, first, c, cols[c])
                if not e:
                    continue
                if c in ('value', 'offset', 'definition'):
                    self.check(line, first, c, name, e)
                elif c == 'bit':
                    self.check(line, first, 'bit %s, i.e. value' % e, name,
                               'UINT64_C(1) << (%s)' % e)
                elif c == 'size':
                    self.register_size(line, first, mac, cols, e)
            if 'access' in cols and stated(cols['access']) and mac is not None and mac.access:
                doc_acc = frozenset(ACCESS_RE.findall(cols['access']))
                if doc_acc != mac.access:
                    self.problem(line, first, 'access %s, but the wcnic_hw.h comment says %s' % (
                        '/'.join(sorted(doc_acc)) or "'%s'" % cols['access'],
                        '/'.join(sorted(mac.access))))
        else:
            self.problem(line, first, 'not a C identifier designator (WCNIC_X, WCNIC_X(args), '
                         'struct wcnic_x, wcnic_x.member, wcnic_x_t)')

    def register_size(self, line, name, mac, cols, size_expr):
        try:
            size = int(size_expr, 0)
        except ValueError:
            self.problem(line, name, "Size of a register must be a plain number, not '%s'" % size_expr)
            return
        if mac is not None and mac.width is not None:
            self.check(line, name, 'size (wcnic_hw.h comment: u%d)' % (mac.width * 8),
                       str(mac.width), str(size))
        off = None
        if 'offset' in cols and stated(cols['offset']):
            try:
                off = int(unquote(cols['offset']), 0)
            except ValueError:
                off = None
        if off is not None:
            prefix = re.match(r"(WCNIC_[A-Z]+_)", name)
            self.registers.append((prefix.group(1) if prefix else 'WCNIC_', name, off, size, line))

    def function_check(self, line, what, name, params, expr):
        self.n_value_checks += 1
        out = self.body
        out.append('\t{')
        out.append('\t\tint bad = 0;')
        out.append('\t\tuint64_t hv = 0, dv = 0;')
        out.append('\t\tchar args[160] = "";')
        for k, p in enumerate(params):
            arr = 'spec_samples_%s' % (p if p in SAMPLES else 'generic')
            self.samples_used.add(p if p in SAMPLES else 'generic')
            out.append('\t\tfor (size_t spec_a%d = 0; !bad && spec_a%d < SPEC_N(%s); spec_a%d++)' % (
                k, k, arr, k))
        out.append('\t\t{')
        for k, p in enumerate(params):
            arr = 'spec_samples_%s' % (p if p in SAMPLES else 'generic')
            out.append('\t\t\tconst uint64_t %s = %s[spec_a%d];' % (p, arr, k))
        out.append('\t\t\tconst uint64_t h = (uint64_t)(%s(%s));' % (name, ', '.join(params)))
        out.append('\t\t\tconst uint64_t d = (uint64_t)%s;' % self.doc_expr(expr))
        out.append('\t\t\tif (h != d) {')
        out.append('\t\t\t\tbad = 1; hv = h; dv = d;')
        fmt = ', '.join('%s=%%#" PRIx64 "' % p for p in params)
        out.append('\t\t\t\tsnprintf(args, sizeof(args), "%s", %s);' % (fmt, ', '.join(params)))
        out.append('\t\t\t}')
        out.append('\t\t}')
        out.append('\t\tspec_check_fn(%s, %s, bad, hv, dv, args);' % (
            c_str(self.loc(line)), c_str(what)))
        out.append('\t}')

    # -- one row of an Expression table --------------------------------
    def expression_row(self, table, line, cells):
        first = unquote(cells[0])
        cols = dict(zip(table.headers, cells + [''] * (len(table.headers) - len(cells))))
        if 'value' not in cols or not stated(cols['value']):
            self.problem(line, first, 'Expression row without a Value')
            return
        bad = self.expr_problem(first)
        if bad:
            self.problem(line, first, 'not a C constant expression: %s' % bad)
            return
        e = self.cell_expr(line, first, 'value', cols['value'])
        if e:
            self.check(line, first, 'value', first, e)

    def register_layout(self):
        groups = {}
        for prefix, name, off, size, line in self.registers:
            groups.setdefault(prefix, {})[name] = (off, size, line)
        for prefix, regs in groups.items():
            items = sorted(regs.items(), key=lambda kv: kv[1][0])
            for name, (off, size, line) in items:
                if size not in (1, 2, 4, 8):
                    # A table of registers (a key, a redirection table):
                    # 32-bit words, starting on a 64-byte line.
                    if size % 4 or off % 64:
                        self.problem(line, name, 'register size %d is not 1, 2, 4 or 8, nor a '
                                     'table of 32-bit words on a 64-byte line' % size)
                elif off % size:
                    self.problem(line, name, 'offset %#x is not aligned to its size %d' % (off, size))
            for (n1, (o1, s1, l1)), (n2, (o2, _s2, _l2)) in zip(items, items[1:]):
                if o1 + s1 > o2:
                    self.problem(l1, n1, 'register [%#x, %#x) overlaps %s at %#x' % (
                        o1, o1 + s1, n2, o2))

    def prose_references(self, lines):
        in_fence = False
        for n, ln in enumerate(lines, 1):
            if ln.lstrip().startswith('```'):
                in_fence = not in_fence
            for m in re.finditer(r"\bWCNIC_[A-Z0-9_]*[A-Z0-9]\b(\*)?", ln):
                if m.group(1):
                    continue         # a WCNIC_F_* style family
                name = m.group(0)
                if not self.h.has_constant(name):
                    self.problem(n, name, 'mentioned in the document but not defined in wcnic_hw.h')
            for m in re.finditer(r"\bstruct\s+(wcnic_\w+)", ln):
                if m.group(1) not in self.h.structs:
                    self.problem(n, 'struct ' + m.group(1),
                                 'mentioned in the document but not defined in wcnic_hw.h')

    def coverage(self):
        missing = undocumented(self.h, self.stated)
        for kind, key in missing:
            if kind == 'macro':
                where = self.h.macros[key].line if key in self.h.macros else self.h.enumerators[key]
                hint = 'macro' if key in self.h.macros else 'enumerator'
            elif kind == 'typedef':
                where, hint = self.h.typedefs[key], kind
            else:
                where, hint = self.h.decl_lines.get(key, 0), kind
            self.body.append('\tspec_problem(%s, %s, %s);' % (
                c_str('%s:%d' % (os.path.basename(self.h.path), where) if where
                      else os.path.basename(self.h.path)),
                c_str(key),
                c_str('%s defined in wcnic_hw.h is not stated in any Identifier table of %s' % (
                    hint, self.doc))))

    def coverage_self_test(self):
        """--mutate only: removing one stated row per kind must be reported."""
        removed = set()
        for kind in ('macro', 'struct', 'field', 'typedef'):
            for key in sorted(self.stated):
                if key[0] == kind and key in set(self.h.required()):
                    removed.add(key)
                    break
        reported = set(undocumented(self.h, self.stated - removed))
        for key in sorted(removed - reported):
            self.body.append('\tspec_selftest_fail(%s, "coverage rule did not report a removed row");'
                             % c_str(key[1]))
        if not removed:
            self.body.append('\tspec_selftest_fail("coverage", "nothing to remove");')

    def render(self, header_name):
        out = []
        out.append('/* SPDX-License-Identifier: BSD-3-Clause */')
        out.append('/* Generated by tests/spec/gen_spec_check.py from %s. Do not edit. */' % self.doc)
        out.append('#include <inttypes.h>')
        out.append('#include <stddef.h>')
        out.append('#include <stdint.h>')
        out.append('#include <stdio.h>')
        out.append('#include "%s"' % header_name)
        out.append('')
        out.append('#define SPEC_MUTANT %d' % (1 if self.mutate else 0))
        out.append('#define SPEC_N(a) (sizeof(a) / sizeof((a)[0]))')
        for p in sorted(self.samples_used):
            vals = SAMPLES.get(p, GENERIC_SAMPLES)
            out.append('static const uint64_t spec_samples_%s[] = { %s };' % (
                p, ', '.join('UINT64_C(%#x)' % v for v in vals)))
        out.append(r'''
static unsigned spec_checks, spec_mismatches, spec_problems, spec_selftest_fails;

/* A finding that is not a value comparison (unknown or unstated name, ...).
 * The mutant build leaves these to the real check and stays quiet. */
__attribute__((unused))
static void spec_problem(const char *loc, const char *what, const char *msg)
{
	spec_problems++;
	if (!SPEC_MUTANT)
		printf("%s: %s: %s\n", loc, what, msg);
}

__attribute__((unused))
static void spec_selftest_fail(const char *what, const char *msg)
{
	spec_selftest_fails++;
	printf("spec self-test: %s: %s\n", what, msg);
}

static void spec_check(const char *loc, const char *what, const char *column,
		       uint64_t header, uint64_t doc)
{
	spec_checks++;
	if (header == doc) {
		if (SPEC_MUTANT)
			printf("%s: %s: %s: altered value not detected\n", loc, what, column);
		return;
	}
	spec_mismatches++;
	if (!SPEC_MUTANT)
		printf("%s: %s: %s: document says %#" PRIx64 " (%" PRIu64 "), "
		       "wcnic_hw.h gives %#" PRIx64 " (%" PRIu64 ")\n",
		       loc, what, column, doc, doc, header, header);
}

static void spec_check_fn(const char *loc, const char *what, int bad,
			  uint64_t header, uint64_t doc, const char *args)
{
	spec_checks++;
	if (!bad) {
		if (SPEC_MUTANT)
			printf("%s: %s: altered definition not detected\n", loc, what);
		return;
	}
	spec_mismatches++;
	if (!SPEC_MUTANT)
		printf("%s: %s: definition: for %s the document gives %#" PRIx64
		       ", wcnic_hw.h gives %#" PRIx64 "\n", loc, what, args, doc, header);
}

int main(void)
{''')
        out.extend(self.body)
        out.append(r'''
	if (SPEC_MUTANT) {
		/* Every stated value was altered by one: each check must notice. */
		if (spec_mismatches != spec_checks || spec_selftest_fails || !spec_checks) {
			printf("spec self-test: FAIL: %u of %u altered values detected\n",
			       spec_mismatches, spec_checks);
			return 1;
		}
		printf("spec self-test: all %u altered values detected\n", spec_checks);
		return 0;
	}
	if (spec_mismatches || spec_problems) {
		printf("FAIL: %u of %u value checks disagree, %u other problems\n",
		       spec_mismatches, spec_checks, spec_problems);
		return 1;
	}
	printf("OK: %u value checks, document and wcnic_hw.h agree\n", spec_checks);
	return 0;
}''')
        return '\n'.join(out) + '\n'


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--doc', required=True, help='doc/device-spec.md')
    ap.add_argument('--header', required=True, help='wcnic_hw.h')
    ap.add_argument('--output', required=True, help='C file to write')
    ap.add_argument('--mutate', action='store_true',
                    help='alter every stated value by one (checker self-test)')
    args = ap.parse_args(argv)

    header = Header(args.header)
    parts = os.path.normpath(os.path.abspath(args.doc)).split(os.sep)
    doc_label = '/'.join(parts[-2:])
    gen = Gen(header, doc_label, args.mutate)
    lines, tables = read_tables(args.doc)

    checked = 0
    for t in tables:
        kind = t.headers[0] if t.headers else ''
        if kind == 'identifier':
            checked += 1
            for line, cells in t.rows:
                gen.identifier_row(t, line, cells)
        elif kind == 'expression':
            checked += 1
            for line, cells in t.rows:
                gen.expression_row(t, line, cells)
        elif any(h in VALUE_COLUMNS for h in t.headers[1:]):
            # A table with value columns that lists header names in its
            # first column was meant to be checked: refuse to skip it
            # silently.
            for line, cells in t.rows:
                c = unquote(cells[0]) if cells else ''
                if re.fullmatch(r"WCNIC_\w+(\(.*\))?|struct wcnic_\w+|wcnic_\w+\.\w+", c):
                    gen.problem(line, c, "table starting at line %d lists a header name in its "
                                "first column but its first column is headed '%s', not "
                                "'Identifier' or 'Expression'; it would not be checked" % (
                                    t.line, kind))
                    break
    if not checked:
        gen.problem(1, 'document', 'no checked tables found')
    gen.register_layout()
    gen.prose_references(lines)
    if args.mutate:
        gen.coverage_self_test()
    else:
        gen.coverage()

    text = gen.render(os.path.basename(args.header))
    tmp = args.output + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, args.output)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
