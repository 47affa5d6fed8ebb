// Single-thread throughput of the linear-layer kernels against OpenBLAS sgemm on one
// feed-forward-sized product (2048 tokens × 1536 outputs × 384 inputs). Built and run by
// scripts/bench-linear-kernels.sh.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
#include "LinearKernels.h"
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(){
  size_t m=2048,n=1536,k=384;
  float *x=malloc(m*k*4),*w=malloc(n*k*4),*c=calloc(m*n,4); float *as=malloc(m*4),*ws=calloc(n+16,4);
  uint8_t *codes=malloc(m*k); int8_t *pk=calloc(n*k,1); int32_t *cor=calloc(n+16,4); uint16_t *pb=calloc(n*k,2),*ab=malloc(m*k*2);
  for(size_t i=0;i<m*k;i++)x[i]=(rand()%100)/50.0f-1; for(size_t i=0;i<n*k;i++)w[i]=(rand()%100)/500.0f;
  openblas_set_num_threads(1);
  double t=now(); for(int r=0;r<5;r++) cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasTrans,m,n,k,1,x,k,w,k,1,c,n); double tf=(now()-t)/5;
  t=now(); for(int r=0;r<5;r++){ sek_quantize_rows_u8(x,m,k,k,codes,as); sek_gemm_u8s8(m,n,k,codes,as,pk,cor,ws,c,n);} double ti=(now()-t)/5;
  t=now(); for(int r=0;r<5;r++){ sek_quantize_rows_u8(x,m,k,k,codes,as);} double tq=(now()-t)/5;
  t=now(); for(int r=0;r<5;r++){ sek_round_rows_bf16(x,m,k,k,ab); sek_gemm_bf16(m,n,k,ab,pb,c,n);} double tb=(now()-t)/5;
  double fl=2.0*m*n*k;
  printf("sgemm %.1f GFLOP/s, int8 %.1f GOP/s (quantize %.1f%%), bf16 %.1f GFLOP/s\n", fl/tf/1e9, fl/ti/1e9, 100*tq/ti, fl/tb/1e9);
}
