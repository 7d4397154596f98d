#!/usr/bin/env python3
"""Writes a JSON file (crates/api/src/openapi.json) in the layout it is kept in: two-space indent, and every
object or array that fits in 120 columns on one line. python3 scripts/format-json.py FILE > FILE.new"""
import json, sys, collections
W=120
def inline(v):
    if isinstance(v, dict):
        if not v: return '{}'
        return '{ ' + ', '.join(json.dumps(k, ensure_ascii=False)+': '+inline(x) for k,x in v.items()) + ' }'
    if isinstance(v, list):
        if not v: return '[]'
        return '[' + ', '.join(inline(x) for x in v) + ']'
    return json.dumps(v, ensure_ascii=False)
def fmt(v, ind, prefix_len):
    s=inline(v)
    if not isinstance(v,(dict,list)) or ind+prefix_len+len(s) <= W or not v:
        return s
    pad=' '*(ind+2)
    if isinstance(v, dict):
        items=[pad+json.dumps(k,ensure_ascii=False)+': '+fmt(x, ind+2, len(json.dumps(k,ensure_ascii=False))+2+1) for k,x in v.items()]
        return '{\n'+',\n'.join(items)+'\n'+' '*ind+'}'
    items=[pad+fmt(x, ind+2, 1) for x in v]
    return '[\n'+',\n'.join(items)+'\n'+' '*ind+']'
d=json.load(open(sys.argv[1]), object_pairs_hook=collections.OrderedDict)
sys.stdout.write(fmt(d,0,0)+'\n')
