// A C++17 program against an installed libfsvm: a kernel found by name
// walks a list of new'ed nodes (plain heap memory) for key 3.
#include <cstdio>
#include <memory>
#include <vector>
#include <fsvm.h>
int main()
{
	fsvm_device *dev = nullptr;
	fsvm_context *ctx = nullptr;
	if (fsvm_device_open(nullptr, &dev) != FSVM_OK || fsvm_context_create(dev, 0, &ctx) != FSVM_OK)
		return 2;
	std::vector<std::unique_ptr<fsvm_list_node>> nodes;
	for (uint64_t i = 0; i < 5; i++)
		nodes.push_back(std::make_unique<fsvm_list_node>(fsvm_list_node{ 0, i, 10 * i, 0 }));
	for (size_t i = 0; i + 1 < nodes.size(); i++)
		nodes[i]->next = reinterpret_cast<uintptr_t>(nodes[i + 1].get());
	fsvm_chase_result res{};
	const uint64_t args[] = { reinterpret_cast<uintptr_t>(nodes[0].get()), 3, 100,
				  reinterpret_cast<uintptr_t>(&res) };
	fsvm_kernel_desc k{};
	fsvm_completion rec{};
	int err = fsvm_device_find_kernel(dev, "list_search", &k);
	if (err == FSVM_OK)
		err = fsvm_run(ctx, k.id, args, 4, &rec, 0, FSVM_TIMEOUT_INFINITE, nullptr);
	if (auto [found, payload] = std::pair{ res.found, res.checksum }; err == FSVM_OK)
		std::printf("c++17: %s: found %llu, payload %llu, node 3: %s\n", k.name,
			    static_cast<unsigned long long>(found), static_cast<unsigned long long>(payload),
			    res.last == reinterpret_cast<uintptr_t>(nodes[3].get()) ? "yes" : "no");
	else
		std::printf("c++17: %s\n", fsvm_strerror(err));
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	return err != FSVM_OK;
}
