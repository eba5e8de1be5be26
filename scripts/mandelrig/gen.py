# Writes the loop orders of mandel's iteration as variants of lucet.s (see run.sh).
import sys, itertools, random
# DAG of mandel's loop body. state: zr=5 zr2=6 zi2=7 zi=8, cr=4, ci=2
ops = {
 't2': ('vaddsd', ['zr','zr']),
 'd':  ('vsubsd', ['zi2','zr2']),   # zr2 - zi2 : AT&T vsubsd src2,src1,dst = src1-src2
 'nzr':('vaddsd', ['d','cr']),
 'nzr2':('vmulsd',['nzr','nzr']),
 'm':  ('vmulsd', ['zi','t2']),
 'nzi':('vaddsd', ['ci','m']),
 'nzi2':('vmulsd',['nzi','nzi']),
 'sum':('vaddsd', ['nzi2','nzr2']),
}
state = {'zr':5,'zr2':6,'zi2':7,'zi':8,'cr':4,'ci':2}
def emit(order, name):
    regs = dict(state); free = [9,10,11,12,13,14]; out=[]; done=set(); freed=set()
    for o in order:
        ins,(a,b) = ops[o]
        r = free.pop(0); regs[o]=r
        out.append(f"\t{ins} %xmm{regs[a]},%xmm{regs[b]},%xmm{r}")
        done.add(o)
        for t in ('t2','d','m'):
            if t in regs and t not in freed and all(u in done for u,(i2,ar) in ops.items() if t in ar):
                freed.add(t); free.insert(0,regs[t])
    out.append("\tvmovsd c4(%rip),%xmm15")
    out.append(f"\tvucomisd %xmm{regs['sum']},%xmm15")
    for n,s in (('nzr','zr'),('nzr2','zr2'),('nzi2','zi2'),('nzi','zi')):
        out.append(f"\tvmovaps %xmm{regs[n]},%xmm{state[s]}")
    src=open('lucet.s').read()
    a=src.index("\tvaddsd %xmm5,%xmm5,%xmm9"); b=src.index("\tjae L3")
    body="\n".join(out)+"\n"
    src=src[:a]+"\tadd $0x1,%edx\n"+body+src[b:]
    open(name+'.s','w').write(src)
deps={k:[x for x in v[1] if x in ops] for k,v in ops.items()}
def valid(order):
    seen=set()
    for o in order:
        if any(d not in seen for d in deps[o]): return False
        seen.add(o)
    return True
allv=[p for p in itertools.permutations(ops) if valid(p)]
print(len(allv), file=sys.stderr)
if sys.argv[1]=='named':
    emit(['t2','d','nzr','nzr2','m','nzi','nzi2','sum'],'g_ours')
    emit(['d','nzr','nzr2','t2','m','nzi','nzi2','sum'],'g_wt')
    emit(['t2','m','nzi','d','nzr','nzr2','nzi2','sum'],'g_zifirst')
else:
    random.seed(int(sys.argv[2]))
    for i,p in enumerate(random.sample(allv,int(sys.argv[1]))):
        emit(list(p),f"g{i}"); print(f"g{i}", " ".join(p))
