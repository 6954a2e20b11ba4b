#!/usr/bin/env python3
"""Writes the smolvm emulator's grammar tables (tests/BotBottle.Testing.SmolvmEmulator/Grammar/smolvm-X.Y.Z.json)
from a checkout of smolvm's repository at a release tag: for each command the emulator plays, the options,
positionals and trailing command its clap `#[derive(Args)]` struct declares, each with the file and line of its
`#[arg(...)]` attribute. Nothing of smolvm's source is copied: only names, arities, value names and types.

Usage:
  git -C <mirror of smol-machines/smolvm> archive v1.9.3 | tar -x -C /tmp/smolvm-1.9.3
  eng/smolvm/generate-grammar.py --source /tmp/smolvm-1.9.3 --tag v1.9.3 [--out DIR | --check]

--check compares with the committed file instead of writing it and exits 1 when they differ.
"""
import argparse
import json
import os
import re
import sys

# The commands the emulator plays, and the clap struct that declares each (the same struct names at every
# release the emulator knows; a release that renamed one would fail here, loudly).
COMMANDS = {
    "machine create": ("src/cli/machine.rs", "CreateCmd"),
    "machine start": ("src/cli/machine.rs", "StartCmd"),
    "machine stop": ("src/cli/machine.rs", "StopCmd"),
    "machine delete": ("src/cli/machine.rs", "DeleteCmd"),
    "machine exec": ("src/cli/machine.rs", "ExecCmd"),
    "machine cp": ("src/cli/machine.rs", "CpCmd"),
    "machine ls": ("src/cli/machine.rs", "LsCmd"),
    "machine status": ("src/cli/machine.rs", "StatusCmd"),
    "pack create": ("src/cli/pack.rs", "PackCreateCmd"),
}

NOTE = "Facts read from smolvm source at this tag: each option with the line of its #[arg] attribute."


def balanced(text):
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
    return depth <= 0


def split_top(text):
    """Splits an attribute's arguments at the commas outside brackets and strings."""
    parts, depth, current, quoted = [], 0, "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if not quoted:
            depth += ch in "([{"
            depth -= ch in ")]}"
            if ch == "," and depth == 0:
                parts.append(current.strip())
                current = ""
                continue
        current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def parse_attr(body):
    """`short = 'n', long, value_name = "NAME"` -> {"short": "n", "long": True, "value_name": "NAME"}."""
    result = {}
    for part in split_top(body):
        if "=" in part and not part.startswith("="):
            key, value = part.split("=", 1)
            value = value.strip()
            if value.startswith("[") and value.endswith("]"):
                result[key.strip()] = [v.strip().strip('"') for v in split_top(value[1:-1])]
            else:
                result[key.strip()] = value.strip('"').strip("'")
        else:
            result[part.strip()] = True
    return result


def inner_type(rust_type):
    rust_type = rust_type.strip()
    for wrapper in ("Option", "Vec"):
        if rust_type.startswith(wrapper + "<") and rust_type.endswith(">"):
            return inner_type(rust_type[len(wrapper) + 1:-1])
    return rust_type


def struct_fields(lines, struct):
    """The struct's fields: (attribute dict or None, attribute line, field name, type), in declaration order."""
    start = next((i for i, line in enumerate(lines) if re.match(rf"\s*pub struct {struct}\s*\{{", line)), None)
    if start is None:
        raise SystemExit(f"struct {struct} not found")
    fields, pending, pending_line, i = [], None, None, start + 1
    while i < len(lines):
        line = lines[i].strip()
        if line == "}":
            return start + 1, fields
        if line.startswith("#[arg(") or line.startswith("#[clap("):
            text, first = line, i
            while not balanced(text):
                i += 1
                text += " " + lines[i].strip()
            body = text[text.index("(") + 1:text.rindex(")")]
            pending, pending_line = parse_attr(body), first + 1
        elif line.startswith("#[command(") and "flatten" in line:
            pending, pending_line = {"flatten": True}, i + 1
        elif (m := re.match(r"pub (\w+)\s*:\s*(.+?),?$", line)):
            fields.append((pending, pending_line, m.group(1), m.group(2).rstrip(",")))
            pending, pending_line = None, None
        i += 1
    raise SystemExit(f"struct {struct}: no closing brace")


def flattened_path(path, rust_type):
    """The file a flattened struct is declared in: crate::cli::proxy_opts::ProxyOpts is src/cli/proxy_opts.rs; a bare name is in the same file."""
    parts = rust_type.split("::")
    if len(parts) == 1:
        return path, rust_type
    if parts[0] != "crate":
        raise SystemExit(f"a flattened {rust_type} outside the crate is not read by this generator")
    return "src/" + "/".join(parts[1:-1]) + ".rs", parts[-1]


def command_grammar(source, path, struct):
    with open(os.path.join(source, path), encoding="utf-8") as f:
        lines = f.read().split("\n")
    line, fields = struct_fields(lines, struct)
    options, positionals, trailing = [], [], None
    for attr, attr_line, name, rust_type in fields:
        attr = attr or {}
        if attr.get("flatten"):
            nested = command_grammar(source, *flattened_path(path, rust_type))
            options += nested["options"]
            positionals += nested["positionals"]
            trailing = trailing or nested["trailing"]
            continue
        where = f"{path}:{attr_line}" if attr_line else f"{path}:{line}"
        if "long" not in attr and "short" not in attr:
            required = attr.get("required") == "true" or not (rust_type.startswith("Option<") or rust_type.startswith("Vec<"))
            value_name = attr.get("value_name", name.upper())
            if attr.get("trailing_var_arg") == "true" or attr.get("last") == "true":
                trailing = {"name": value_name, "kind": "last" if attr.get("last") == "true" else "varArg", "required": attr.get("required") == "true", "source": where}
            else:
                positionals.append({"name": value_name, "required": required, "source": where})
            continue
        option = {"long": name.replace("_", "-") if attr.get("long") is True else attr["long"]} if "long" in attr else {}
        if "short" in attr:
            option["short"] = name[0] if attr["short"] is True else attr["short"]
        flag = rust_type == "bool" and attr.get("action") not in ("ArgAction::Set", "clap::ArgAction::Set")
        option["kind"] = "flag" if flag else "value"
        option["multiple"] = rust_type.startswith("Vec<")
        option["valueName"] = attr.get("value_name", name.upper())
        option["valueType"] = inner_type(rust_type)
        option["source"] = where
        for key, out in (("short_alias", "shortAlias"), ("visible_short_alias", "shortAlias")):
            if key in attr:
                option[out] = attr[key]
        if "conflicts_with" in attr:
            option["conflictsWith"] = [attr["conflicts_with"]]
        if "conflicts_with_all" in attr:
            option["conflictsWith"] = attr["conflicts_with_all"]
        if attr.get("hide") == "true":
            option["hidden"] = True
        options.append(option)
    return {"source": f"{path} {struct} (line {line})", "options": options, "positionals": positionals, "trailing": trailing}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True, help="a checkout of smol-machines/smolvm at --tag")
    parser.add_argument("--tag", required=True, help="the release tag, e.g. v1.9.3")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "BotBottle.Testing.SmolvmEmulator", "Grammar"))
    parser.add_argument("--check", action="store_true", help="compare with the committed file; exit 1 when it differs")
    args = parser.parse_args()
    version = args.tag.lstrip("v")
    grammar = {
        "version": version,
        "tag": args.tag,
        "repository": "smol-machines/smolvm",
        "note": NOTE,
        "commands": {command: command_grammar(args.source, path, struct) for command, (path, struct) in COMMANDS.items()},
    }
    text = json.dumps(grammar, indent=2, ensure_ascii=False) + "\n"
    target = os.path.join(args.out, f"smolvm-{version}.json")
    if args.check:
        with open(target, encoding="utf-8") as f:
            committed = f.read()
        if committed != text:
            sys.stderr.write(f"{target} differs from what the generator reads at {args.tag}\n")
            return 1
        print(f"{target}: as generated from {args.tag}")
        return 0
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
