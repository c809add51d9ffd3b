# A model of ckm_fit_mpi()'s time per Lloyd iteration on larger clusters,
# from what bench/mpi-scaling.R measured on this machine:
#   compute: the rate of this machine's Lloyd pass (distance terms n k d per
#            second, 1 process x 2 threads, 1e6 x 16, k = 64), taken as one
#            node's rate (a node = this 2-core machine; k = 1000 runs the
#            blocked kernel at least as efficiently as k = 64);
#   messages: per iteration the centre sums as reproducible sums (a MAX over
#            k d bin indices, then a SUM over 3 k d accumulators), the k
#            counts, and five scalar reductions (labels changed, inertia:
#            bin index and bins, ...): the counts bench/mpi-scaling.R made;
#   network: allreduce of m bytes over P nodes as Rabenseifner's
#            reduce-scatter + allgather, 2 log2(P) alpha + 2 (P-1)/P m / beta,
#            for two networks stated as assumptions (latency alpha, bandwidth
#            beta): 100 Gb/s InfiniBand-class (2 us, 10 GB/s) and 10 Gb/s
#            Ethernet (30 us, 1.1 GB/s); and, for scale, this machine's own
#            shared-memory allreduce fitted from bench/results/mpi-allreduce.csv.
# Problem of the model: 1e9 x 32, k = 1000, at 8, 64 and 512 nodes.
# Writes bench/results/mpi-model.csv and prints the table.
sc <- utils::read.csv("bench/results/mpi-scaling.csv")
ar <- utils::read.csv("bench/results/mpi-allreduce.csv")

ref <- sc[sc$processes == 1 & sc$threads_per_process == 2 & sc$algorithm == "lloyd", ]
rate <- with(ref, n * k * d / (per_iteration_ms / 1000)) # terms per second per node
cat(sprintf("measured Lloyd rate of one node (2 threads): %.3g distance terms/s (%.1f GFLOP/s at 3 flops each)\n",
            rate, 3 * rate / 1e9))

# shared-memory allreduce on this machine (2 processes): alpha + m / beta
ar2 <- ar[ar$processes == 2, ]
fit <- stats::lm(median_us ~ bytes, data = ar2)
alpha_sm <- max(coef(fit)[[1]], 1) * 1e-6
beta_sm <- 1 / (coef(fit)[[2]] * 1e-6)
cat(sprintf("this machine, 2 processes: allreduce latency %.1f us, bandwidth %.2f GB/s\n",
            alpha_sm * 1e6, beta_sm / 1e9))

N <- 1e9; d <- 32; k <- 1000
# doubles per iteration: the centre sums (k d bin indices; 3 k d bins), the
# counts (k), and small reductions
big <- c(k * d, 3 * k * d, k)
small <- 6
allreduce <- function(m, P, alpha, beta) 2 * log2(P) * alpha + 2 * (P - 1) / P * m / beta
nets <- list(infiniband = c(2e-6, 10e9), ethernet10g = c(30e-6, 1.1e9), this_machine = c(alpha_sm, beta_sm))
rows <- list()
for (P in c(8, 64, 512)) {
  compute <- N / P * k * d / rate
  for (net in names(nets)) {
    a <- nets[[net]][1]; b <- nets[[net]][2]
    comm <- sum(vapply(big, function(m) allreduce(8 * m, P, a, b), 0)) + small * allreduce(8, P, a, b)
    rows[[length(rows) + 1]] <- data.frame(
      nodes = P, network = net, rows_per_node = N / P,
      compute_s = compute, communication_s = comm, iteration_s = compute + comm,
      communication_share = comm / (compute + comm),
      bytes_per_node_per_iteration = 2 * (P - 1) / P * 8 * sum(big))
  }
}
out <- do.call(rbind, rows)
print(out, digits = 3, row.names = FALSE)
utils::write.csv(out, "bench/results/mpi-model.csv", row.names = FALSE)
