#!/usr/bin/env python3
# Writes unrolled.s, unrolled-pipelined.s and unrolled-pipelined2.s for
# run.sh: nbody's step with both loops unrolled (5 bodies: every address a
# constant, as a compiler that unrolled the constant-trip loops would see
# them), in wasm's order, and with each pair's loads, sqrt and div (its
# head) one or two pairs ahead of its six velocity updates (its tail).
# Same operations as lucet.s, so the same result.
B = 0xE80  # guest address of bodies[0]; each body is x y z vx vy vz mass
def a(i, f): return "0x%x(%%r14)" % (B + 56 * i + 8 * f)
pairs = [(i, j) for i in range(5) for j in range(i + 1, 5)]
def head(i, j, r):
    dx, dy, dz, m, mag, t1, t2 = r
    return (f"""	movsd {a(j,6)},%xmm{m}
""" if m is not None else "") + f"""	movsd {a(i,0)},%xmm{dx}
	vsubsd {a(j,0)},%xmm{dx},%xmm{dx}
	movsd {a(i,2)},%xmm{dz}
	vsubsd {a(j,2)},%xmm{dz},%xmm{dz}
	vmulsd %xmm{dz},%xmm{dz},%xmm{t1}
	vmulsd %xmm{dx},%xmm{dx},%xmm{mag}
	movsd {a(i,1)},%xmm{dy}
	vsubsd {a(j,1)},%xmm{dy},%xmm{dy}
	vmulsd %xmm{dy},%xmm{dy},%xmm{t2}
	vaddsd %xmm{t2},%xmm{mag},%xmm{mag}
	vaddsd %xmm{mag},%xmm{t1},%xmm{t1}
	vsqrtsd %xmm{t1},%xmm{t1},%xmm{mag}
	vmulsd %xmm{mag},%xmm{t1},%xmm{t1}
	movsd dtc(%rip),%xmm{t2}
	vdivsd %xmm{t1},%xmm{t2},%xmm{mag}
"""
def tail(i, j, r):
    dx, dy, dz, m, mag, t1, t2 = r
    s = ""
    for d, f in ((dx, 3), (dy, 4), (dz, 5)):
        s += (f"""	vmulsd %xmm{d},%xmm{m},%xmm{t1}
""" if m is not None else f"""	vmulsd {a(j,6)},%xmm{d},%xmm{t1}
""") + f"""	vmulsd %xmm{mag},%xmm{t1},%xmm{t1}
	movsd {a(i,f)},%xmm{t2}
	vsubsd %xmm{t1},%xmm{t2},%xmm{t2}
	movsd %xmm{t2},{a(i,f)}
"""
    for d, f in ((dx, 3), (dy, 4), (dz, 5)):
        s += f"""	movsd {a(i,6)},%xmm{t1}
	vmulsd %xmm{t1},%xmm{d},%xmm{t1}
	vmulsd %xmm{mag},%xmm{t1},%xmm{t1}
	vaddsd {a(j,f)},%xmm{t1},%xmm{t1}
	movsd %xmm{t1},{a(j,f)}
"""
    return s
def positions():
    s = ""
    for i in range(5):
        for f in range(3):
            s += f"""	vmulsd {a(i,f+3)},%xmm15,%xmm0
	vaddsd {a(i,f)},%xmm0,%xmm0
	movsd %xmm0,{a(i,f)}
"""
    return s
sets = [(0, 1, 2, 3, 4, 5, 6), (7, 8, 9, 10, 11, 12, 13)]
pro = "\tmovsd dtc(%rip),%xmm15\nLstep:\n"
epi = "\tsub $0x1,%r11d\n\tjne Lstep\n"
with open("unrolled.s", "w") as o:
    o.write(pro + "".join(head(i, j, sets[0]) + tail(i, j, sets[0]) for i, j in pairs) + positions() + epi)
def pipelined(depth, sets):
    # heads run depth pairs ahead of tails; pair p uses sets[p % len(sets)]
    n, s = len(pairs), ""
    for p in range(n + depth):
        if p < n:
            s += head(*pairs[p], sets[p % len(sets)])
        if p >= depth:
            s += tail(*pairs[p - depth], sets[(p - depth) % len(sets)])
    return pro + s + positions() + epi
with open("unrolled-pipelined.s", "w") as o:
    o.write(pipelined(1, sets))
# Two pairs ahead need 3 sets in 15 registers: the temporaries are shared
# (dead between a head and its tail) and b2's mass is read from memory in
# the tail (mass*dx becomes dx*mass: the same but for NaN payloads).
sets3 = [(0, 1, 2, None, 3, 12, 13), (4, 5, 6, None, 7, 12, 13), (8, 9, 10, None, 11, 12, 13)]
with open("unrolled-pipelined2.s", "w") as o:
    o.write(pipelined(2, sets3))

