// Unit tests for the load generator's /proc parsers (proc(5)) and its --url parsing.
#include <gtest/gtest.h>
#include <unistd.h>

#include "proc_sampler.hpp"
#include "server_url.hpp"

namespace rounds::load {
namespace {

TEST(ProcStat, SumsUserAndSystemTicks) {
  // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
  // stime ...
  std::string stat =
      "4242 (rounds) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 37 0 0 20 0 3 0 12345\n";
  EXPECT_EQ(parseProcStatCpuTicks(stat), 187u);
}

TEST(ProcStat, CommandNamesWithSpacesAndParentheses) {
  std::string stat = "7 (a (weird) name) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 1";
  EXPECT_EQ(parseProcStatCpuTicks(stat), 11u);
}

TEST(ProcStat, RejectsTruncatedOrGarbage) {
  EXPECT_FALSE(parseProcStatCpuTicks("4242 (rounds) S 1 2 3"));
  EXPECT_FALSE(parseProcStatCpuTicks("no parenthesis here"));
  EXPECT_FALSE(parseProcStatCpuTicks("1 (x) S 1 1 1 0 -1 0 0 0 0 0 abc 6 0"));
  EXPECT_FALSE(parseProcStatCpuTicks(""));
}

TEST(ProcStatus, ReadsKbLines) {
  std::string status =
      "Name:\trounds\nVmPeak:\t  300000 kB\nVmHWM:\t   20480 kB\nVmRSS:\t   18864 "
      "kB\nThreads:\t3\n";
  EXPECT_EQ(parseProcStatusKb(status, "VmRSS"), 18864u);
  EXPECT_EQ(parseProcStatusKb(status, "VmHWM"), 20480u);
  EXPECT_FALSE(parseProcStatusKb(status, "VmSwap"));
  EXPECT_FALSE(parseProcStatusKb(status, "Threads"));  // no kB unit
  EXPECT_FALSE(parseProcStatusKb("VmRSSX:\t 1 kB\n", "VmRSS"));
}

TEST(ProcSampler, SamplesThisProcess) {
  ProcSampler s(static_cast<int>(::getpid()));
  auto sample = s.sample();
  ASSERT_TRUE(sample);
  EXPECT_GT(sample->rssKb, 0u);
  EXPECT_GE(sample->hwmKb, sample->rssKb);
  EXPECT_GE(sample->cpuSeconds, 0.0);
  EXPECT_FALSE(ProcSampler(-5).sample());
}

TEST(ServerUrl, AcceptsWhatRoundsPrintsAndWsForms) {
  auto u = parseServerUrl("http://127.0.0.1:35789/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 35789);
  u = parseServerUrl("ws://127.0.0.1:8080/ws");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 8080);
  u = parseServerUrl("[::1]:9000");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  u = parseServerUrl("localhost:81");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_TRUE(parseServerUrl("127.5.6.7:1").ok());
}

TEST(ServerUrl, RefusesAnythingButPlainLoopback) {
  EXPECT_EQ(parseServerUrl("http://10.0.0.1:8080/").error().code, "bad_url");
  EXPECT_FALSE(parseServerUrl("http://example.com:8080/").ok());
  EXPECT_FALSE(parseServerUrl("https://127.0.0.1:8443/").ok());
  EXPECT_FALSE(parseServerUrl("wss://127.0.0.1:8443/ws").ok());
  EXPECT_FALSE(parseServerUrl("ftp://127.0.0.1:21/").ok());
  EXPECT_FALSE(parseServerUrl("127.0.0.1").ok());
  EXPECT_FALSE(parseServerUrl("127.0.0.1:0").ok());
  EXPECT_FALSE(parseServerUrl("127.0.0.1:70000").ok());
  EXPECT_FALSE(parseServerUrl("[::2]:80").ok());
  EXPECT_FALSE(parseServerUrl("").ok());
}

TEST(ServerUrl, PrivateAddressesOnlyForNamespaceRuns) {
  EXPECT_FALSE(parseServerUrl("ws://10.99.0.1:8188/").ok());
  auto u = parseServerUrl("ws://10.99.0.1:8188/", true);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "10.99.0.1");
  EXPECT_TRUE(parseServerUrl("192.168.1.2:80", true).ok());
  EXPECT_TRUE(parseServerUrl("172.20.0.1:80", true).ok());
  EXPECT_TRUE(parseServerUrl("127.0.0.1:80", true).ok());
  EXPECT_FALSE(parseServerUrl("172.32.0.1:80", true).ok());
  EXPECT_FALSE(parseServerUrl("8.8.8.8:53", true).ok());
  EXPECT_FALSE(parseServerUrl("[2001:db8::1]:80", true).ok());
}

}  // namespace
}  // namespace rounds::load
