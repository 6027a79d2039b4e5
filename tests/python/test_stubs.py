"""The type stubs (__init__.pyi) against the package: every public name has a stub, and every stubbed
function and method takes the same parameters as the real one."""
import ast
import inspect
import os

import neuroevo


def stub_tree():
    path = os.path.join(os.path.dirname(neuroevo.__file__), "__init__.pyi")
    with open(path) as f:
        return ast.parse(f.read())


def params_of(fn: ast.FunctionDef):
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    if a.vararg:
        names.append("*" + a.vararg.arg)
    if a.kwarg:
        names.append("**" + a.kwarg.arg)
    return [n for n in names if n != "self"]


def runtime_params(obj):
    out = []
    for p in inspect.signature(obj).parameters.values():
        prefix = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        if p.name != "self":
            out.append(prefix + p.name)
    return out


def test_stubs_cover_the_public_api_with_the_same_parameters():
    tree = stub_tree()
    stubbed = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    missing = [name for name in neuroevo.__all__ if name not in stubbed]
    assert not missing, f"no stub for {missing}"
    checked = 0
    for name, node in stubbed.items():
        obj = getattr(neuroevo, name)
        if isinstance(node, ast.FunctionDef):
            assert params_of(node) == runtime_params(obj), name
            checked += 1
            continue
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and not any(isinstance(d, ast.Name) and d.id == "property"
                                                             for d in item.decorator_list):
                assert params_of(item) == runtime_params(getattr(obj, item.name)), f"{name}.{item.name}"
                checked += 1
    assert checked > 30
