// SPDX-License-Identifier: MIT
/*
 * test_config.c - nsstackd's options: every accepted form and every error
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "config.h"
#include "testutil.h"

static struct config cfg;

#define ARGV(...) ((char *const[]){ "nsstackd", __VA_ARGS__ })
#define NARGS(...) ((int)(sizeof(ARGV(__VA_ARGS__)) / sizeof(char *)))
#define PARSE(...) config_parse(NARGS(__VA_ARGS__), ARGV(__VA_ARGS__), &cfg)

/* Parse must fail with a message containing @what. */
#define BAD(what, ...)                                                         \
	do {                                                                   \
		cr_assert_eq(PARSE(__VA_ARGS__), -EINVAL);                     \
		cr_assert(strstr(cfg.err, (what)) != NULL,                     \
			  "message '%s' lacks '%s'", cfg.err, (what));         \
		cr_assert(strchr(cfg.err, '\n') == NULL, "one line");          \
	} while (0)

Test(config, minimal_tap)
{
	cr_assert_eq(PARSE("--tap", "tap0"), 0, "%s", cfg.err);
	cr_assert_str_eq(cfg.dev, "tap0");
	cr_assert_eq(cfg.kind, NETIF_TAP);
	cr_assert_not(cfg.create);
	cr_assert_eq(cfg.mtu, 0);
	cr_assert_eq(cfg.naddr, 0);
	cr_assert_eq(cfg.log_level, LOG_INFO);
	cr_assert_str_empty(cfg.control);
}

/* IFF_VNET_HDR offloads are on unless asked off. */
Test(config, offload_on_by_default_and_switchable)
{
	cr_assert_eq(PARSE("--tap", "tap0"), 0, "%s", cfg.err);
	cr_assert_not(cfg.no_offload);
	cr_assert_eq(PARSE("--tap", "tap0", "--offload", "off"), 0, "%s",
		     cfg.err);
	cr_assert(cfg.no_offload);
	cr_assert_eq(PARSE("--tap", "tap0", "--offload", "on"), 0, "%s",
		     cfg.err);
	cr_assert_not(cfg.no_offload);
	cr_assert_neq(PARSE("--tap", "tap0", "--offload", "maybe"), 0);
	cr_assert(strstr(cfg.err, "on or off"), "%s", cfg.err);
}

Test(config, every_option)
{
	cr_assert_eq(PARSE("--tun", "tun7", "--create", "--persist", "--mtu",
			   "9000", "--addr", "192.0.2.2/24",
			   "--addr=198.51.100.2/24", "--gw", "192.0.2.1",
			   "--route", "203.0.113.0/24", "via", "198.51.100.1",
			   "--control", "/tmp/x.sock", "--pcap",
			   "/tmp/x.pcapng", "--log-level", "debug", "--service",
			   "echo:7,discard:9,chargen:19,daytime:13"),
		     0, "%s", cfg.err);
	cr_assert_eq(cfg.kind, NETIF_TUN);
	cr_assert(cfg.create && cfg.persist);
	cr_assert_eq(cfg.mtu, 9000);
	cr_assert_eq(cfg.naddr, 2);
	cr_assert_eq(cfg.addr[0].addr, 0xc0000202u);
	cr_assert_eq(cfg.addr[0].len, 24);
	cr_assert_eq(cfg.addr[1].addr, 0xc6336402u);
	cr_assert_eq(cfg.gw, 0xc0000201u);
	cr_assert_eq(cfg.nroute, 1);
	cr_assert_eq(cfg.route[0].dst.addr, 0xcb007100u);
	cr_assert_eq(cfg.route[0].dst.len, 24);
	cr_assert_eq(cfg.route[0].gw, 0xc6336401u);
	cr_assert_str_eq(cfg.control, "/tmp/x.sock");
	cr_assert_str_eq(cfg.pcap, "/tmp/x.pcapng");
	cr_assert_eq(cfg.log_level, LOG_DEBUG);
	cr_assert_str_eq(cfg.services,
			 "echo:7,discard:9,chargen:19,daytime:13");
}

Test(config, macs)
{
	cr_assert_eq(PARSE("--tap", "t", "--mac", "02:00:5e:00:53:02",
			   "--peer-mac", "02:00:5E:00:53:01"),
		     0, "%s", cfg.err);
	cr_assert(cfg.have_mac && cfg.have_peer_mac);
	cr_assert_eq(cfg.mac.b[5], 2);
	cr_assert_eq(cfg.peer_mac.b[3], 0);
	cr_assert_eq(cfg.peer_mac.b[2], 0x5e);
}

Test(config, help_and_version_need_no_device)
{
	cr_assert_eq(PARSE("--help"), 0);
	cr_assert(cfg.help);
	cr_assert_eq(PARSE("--version"), 0);
	cr_assert(cfg.version);
}

Test(config, device_errors)
{
	BAD("no device", "--addr", "192.0.2.2/24");
	BAD("only one of --tap and --tun", "--tap", "a", "--tun", "b");
	BAD("only one of --tap and --tun", "--tap", "a", "--tap", "b");
	BAD("not a valid interface name", "--tap", "waytoolongname012");
	BAD("not a valid interface name", "--tap", "a/b");
	BAD("not a valid interface name", "--tap", "a b");
	BAD("not a valid interface name", "--tap", "");
	BAD("not a valid interface name", "--tap", "..");
	BAD("not a valid interface name", "--tun", "x:1");
	BAD("--persist applies only with --create", "--tap", "t", "--persist");
	BAD("need --tap", "--tun", "t", "--mac", "02:00:00:00:00:01");
	BAD("must differ", "--tap", "t", "--mac", "02:00:00:00:00:01",
	    "--peer-mac", "02:00:00:00:00:01");
}

Test(config, syntax_errors)
{
	BAD("unknown option --bogus", "--tap", "t", "--bogus");
	BAD("unknown option --bogus", "--tap", "t", "--bogus=1");
	BAD("unexpected argument 'tap0'", "tap0");
	BAD("unexpected argument '-t'", "-t", "tap0");
	BAD("unexpected argument '--'", "--");
	BAD("--tap needs 1 value", "--tap");
	BAD("--route needs 3 values", "--tap", "t", "--route", "1.0.0.0/8",
	    "via");
	BAD("does not take '=VALUE'", "--tap", "t", "--create=yes");
	BAD("unknown option", "--tap", "t",
	    "--aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

Test(config, value_errors)
{
	BAD("expected a number", "--tap", "t", "--mtu", "67");
	BAD("expected a number", "--tap", "t", "--mtu", "65536");
	BAD("expected a number", "--tap", "t", "--mtu", "15OO");
	BAD("expected a number", "--tap", "t", "--mtu", "-1500");
	BAD("expected a number", "--tap", "t", "--mtu", "");
	BAD("expected a MAC", "--tap", "t", "--mac", "02:00:00:00:00");
	BAD("expected a MAC", "--tap", "t", "--mac", "02:00:00:00:00:0g");
	BAD("expected a MAC", "--tap", "t", "--mac", "02-00-00-00-00-01");
	BAD("expected a MAC", "--tap", "t", "--mac", "2:0:0:0:0:1:xx");
	BAD("expected a MAC", "--tap", "t", "--mac", "02:00:00:00:00: 1");
	BAD("unicast, non-zero", "--tap", "t", "--mac", "01:00:5e:00:00:01");
	BAD("unicast, non-zero", "--tap", "t", "--mac", "00:00:00:00:00:00");
	BAD("expected a unicast", "--tap", "t", "--gw", "192.0.2");
	BAD("expected a unicast", "--tap", "t", "--gw", "224.0.0.1");
	BAD("expected error, warn", "--tap", "t", "--log-level", "loud");
	BAD("expected NAME:PORT", "--tap", "t", "--service", "ssh:22");
	BAD("expected NAME:PORT", "--tap", "t", "--service", "echo");
	BAD("expected NAME:PORT", "--tap", "t", "--service", "echo:0");
	BAD("expected NAME:PORT", "--tap", "t", "--service", "echo:65536");
	BAD("expected NAME:PORT", "--tap", "t", "--service", "echo:7,");
	BAD("expected NAME:PORT", "--tap", "t", "--service", "echo:7x");
	BAD("expected NAME:PORT", "--tap", "t", "--service", "");
	BAD("path empty", "--tap", "t", "--control", "");
	char longpath[200];

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = 0;
	BAD("longer than 107", "--tap", "t", "--control", longpath);
}

Test(config, address_errors)
{
	BAD("expected an IPv4 address and prefix", "--tap", "t", "--addr",
	    "192.0.2.2");
	BAD("expected an IPv4 address and prefix", "--tap", "t", "--addr",
	    "192.0.2.300/24");
	BAD("expected an IPv4 address and prefix", "--tap", "t", "--addr",
	    "192.0.2.2/33");
	BAD("expected an IPv4 address and prefix", "--tap", "t", "--addr",
	    "192.0.2.2/");
	BAD("expected an IPv4 address and prefix", "--tap", "t", "--addr",
	    "192.0.2.2/-1");
	BAD("expected an IPv4 address and prefix", "--tap", "t", "--addr",
	    "192.0.2.2/24x");
	BAD("expected an IPv6 address and prefix", "--tap", "t", "--addr",
	    "2001:db8::1/129");
	BAD("expected an IPv6 address and prefix", "--tap", "t", "--addr",
	    "2001:db8::1");
	BAD("not a unicast host", "--tap", "t", "--addr", "ff02::1/64");
	BAD("not a unicast host", "--tap", "t", "--addr", "127.0.0.2/8");
	BAD("not a unicast host", "--tap", "t", "--addr", "0.0.0.1/8");
	BAD("not a unicast host", "--tap", "t", "--addr", "239.1.1.1/8");
	BAD("network or broadcast", "--tap", "t", "--addr", "192.0.2.0/24");
	BAD("network or broadcast", "--tap", "t", "--addr", "192.0.2.255/24");
	BAD("given twice", "--tap", "t", "--addr", "192.0.2.2/24", "--addr",
	    "192.0.2.2/25");
	BAD("host bits set", "--tap", "t", "--route", "198.51.100.1/24", "via",
	    "192.0.2.1");
	BAD("expected PREFIX via GATEWAY", "--tap", "t", "--route",
	    "198.51.100.0/24", "dev", "192.0.2.1");
	BAD("expected a prefix", "--tap", "t", "--route", "198.51.100.0", "via",
	    "192.0.2.1");
	BAD("via 192.0.2: expected", "--tap", "t", "--route", "198.51.100.0/24",
	    "via", "192.0.2");
	BAD("gateway 198.51.100.1 is not on the subnet", "--tap", "t", "--addr",
	    "192.0.2.2/24", "--gw", "198.51.100.1");
	BAD("gateway 203.0.113.1 is not on the subnet", "--tap", "t", "--addr",
	    "192.0.2.2/24", "--route", "198.51.100.0/24", "via", "203.0.113.1");
}

Test(config, point_to_point_and_default_route_prefixes)
{
	cr_assert_eq(PARSE("--tap", "t", "--addr", "192.0.2.0/31", "--addr",
			   "198.51.100.7/32", "--route", "0.0.0.0/0", "via",
			   "192.0.2.1"),
		     0, "%s", cfg.err);
	cr_assert_eq(cfg.naddr, 2);
	cr_assert_eq(cfg.route[0].dst.len, 0);
}

/* --dhcp4 asks for a DHCP client; the lease file only makes sense with
 * it, and DHCP needs a MAC (RFC 2131 2: chaddr), so not on TUN. */
Test(config, dhcp4_options)
{
	cr_assert_eq(PARSE("--tap", "tap0", "--dhcp4", "--dhcp4-lease-file",
			   "/tmp/l"),
		     0, "%s", cfg.err);
	cr_assert(cfg.dhcp4);
	cr_assert_str_eq(cfg.dhcp4_lease_file, "/tmp/l");
	BAD("applies only with --dhcp4", "--tap", "tap0", "--dhcp4-lease-file",
	    "/tmp/l");
	BAD("needs --tap", "--tun", "tun0", "--dhcp4");
}

/* --dhcp6 and its DUID file; DHCPv6 asks from a link-local address, which
 * a TUN device does not have. */
Test(config, dhcp6_options)
{
	cr_assert_eq(PARSE("--tap", "tap0", "--dhcp6", "--dhcp6-duid-file",
			   "/tmp/d"),
		     0, "%s", cfg.err);
	cr_assert(cfg.dhcp6);
	cr_assert_str_eq(cfg.dhcp6_duid_file, "/tmp/d");
	BAD("needs --tap", "--tun", "tun0", "--dhcp6");
}

Test(config, too_many_addresses)
{
	char *argv[3 + 2 * (CONFIG_MAX_ADDR + 1)];
	char bufs[CONFIG_MAX_ADDR + 1][24];
	int n = 0;

	argv[n++] = "nsstackd";
	argv[n++] = "--tap";
	argv[n++] = "t";
	for (int i = 0; i <= CONFIG_MAX_ADDR; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "192.0.2.%d/24", i + 1);
		argv[n++] = "--addr";
		argv[n++] = bufs[i];
	}
	cr_assert_eq(config_parse(n, argv, &cfg), -EINVAL);
	cr_assert(strstr(cfg.err, "at most 16 addresses"), "%s", cfg.err);
}

static char cfile[64];

static void write_file(const char *text)
{
	FILE *f;

	snprintf(cfile, sizeof(cfile), "/tmp/nsstack-cfg-%d.conf", getpid());
	f = fopen(cfile, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void rm_file(void)
{
	unlink(cfile);
}

TestSuite(config_file, .fini = rm_file);

Test(config_file, options_without_dashes_and_comments)
{
	write_file("# engine on tap0\n"
		   "tap tap0\n"
		   "create   # make it\n"
		   "\n"
		   "addr 192.0.2.2/24\n"
		   "mtu=1400\n"
		   "route 198.51.100.0/24 via 192.0.2.1\n"
		   "\t gw 192.0.2.1 \r\n");
	cr_assert_eq(PARSE("--config", cfile), 0, "%s", cfg.err);
	cr_assert_str_eq(cfg.dev, "tap0");
	cr_assert(cfg.create);
	cr_assert_eq(cfg.mtu, 1400);
	cr_assert_eq(cfg.naddr, 1);
	cr_assert_eq(cfg.nroute, 1);
	cr_assert_eq(cfg.gw, 0xc0000201u);
}

/* The DHCPv6 keys work in a file like every other flag. */
Test(config_file, dhcp6_keys)
{
	write_file("tap tap0\nslaac\ndhcp6\ndhcp6-duid-file /var/x\n");
	cr_assert_eq(PARSE("--config", cfile), 0, "%s", cfg.err);
	cr_assert(cfg.dhcp6);
	cr_assert(cfg.slaac);
	cr_assert_str_eq(cfg.dhcp6_duid_file, "/var/x");
}

Test(config_file, command_line_after_the_file_overrides_it)
{
	write_file("tap tap0\nmtu 1400\nlog-level warn\n");
	cr_assert_eq(PARSE("--config", cfile, "--mtu", "1500", "--log-level",
			   "trace"),
		     0, "%s", cfg.err);
	cr_assert_eq(cfg.mtu, 1500);
	cr_assert_eq(cfg.log_level, LOG_TRACE);
}

Test(config_file, errors_name_file_and_line)
{
	char want[128];

	write_file("tap tap0\n\nbogus 1\n");
	snprintf(want, sizeof(want), "%s:3: unknown option 'bogus'", cfile);
	BAD(want, "--config", cfile);

	write_file("tap tap0\naddr 192.0.2.2\n");
	snprintf(want, sizeof(want), "%s:2: --addr 192.0.2.2: expected", cfile);
	BAD(want, "--config", cfile);

	write_file("tap tap0\nroute 198.51.100.0/24 via\n");
	snprintf(want, sizeof(want), "%s:2: 'route' takes 3 values, not 2",
		 cfile);
	BAD(want, "--config", cfile);

	write_file("tap\n");
	BAD("'tap' takes 1 value, not 0", "--config", cfile);

	write_file("config /etc/other.conf\n");
	BAD("not allowed inside a configuration file", "--config", cfile);

	write_file("--tap tap0\n");
	BAD("unknown option '--tap'", "--config", cfile);

	BAD("No such file or directory", "--config", "/nonexistent/x.conf");
}

Test(config_file, overlong_line_is_an_error)
{
	char big[700];

	memset(big, 'a', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = 0;
	write_file(big);
	BAD("line too long", "--config", cfile);
}

/* --addr takes IPv6 prefixes too; --slaac turns RA processing on. */
Test(config, ipv6_addresses_and_slaac)
{
	struct config c;
	char *argv[] = { "nsstackd",
			 "--tap",
			 "t",
			 "--addr",
			 "2001:db8:1::2/64",
			 "--addr",
			 "192.0.2.2/24",
			 "--slaac",
			 NULL };

	cr_assert_eq(config_parse(8, argv, &c), 0, "%s", c.err);
	cr_assert_eq(c.naddr6, 1);
	cr_assert_eq(c.addr6[0].len, 64);
	cr_assert_eq(c.addr6[0].addr.b[15], 2);
	cr_assert_eq(c.naddr, 1);
	cr_assert(c.slaac);
}
